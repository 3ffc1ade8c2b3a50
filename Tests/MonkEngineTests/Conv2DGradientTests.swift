// Conv2D gradients against central finite differences, and the chunked / threaded paths
// against the single-chunk serial one.
import Testing
@testable import MonkEngine

@Suite struct Conv2DGradientTests {
    static let gradientCases: [ConvCase] = [
        ConvCase(n: 2),                                                       // 5×7, 3→5, k3 pad 1
        ConvCase(n: 2, k: 1, padding: .symmetric(0)),                         // pointwise
        ConvCase(n: 2, h: 6, w: 5, k: 1, stride: 2, padding: .symmetric(0), bias: false), // downsample
        ConvCase(n: 1, h: 7, w: 6, cin: 3, cout: 2, k: 7, stride: 2, padding: .symmetric(3)), // stem
        ConvCase(n: 1, h: 7, w: 5, cin: 2, cout: 3, k: 5, stride: 1, padding: .symmetric(0)),
        ConvCase(n: 2, h: 5, w: 5, cin: 2, cout: 3, k: 3, stride: 2, padding: .same),  // odd SAME
        ConvCase(n: 1, h: 6, w: 4, cin: 2, cout: 3, k: 3, stride: 2, padding: .same),  // even SAME
        ConvCase(n: 1, h: 4, w: 6, cin: 2, cout: 2, k: 5, stride: 1, padding: .same, bias: false),
        ConvCase(n: 2, h: 5, w: 4, cin: 4, cout: 6, k: 3, groups: 2),         // grouped
        ConvCase(n: 2, h: 5, w: 7, cin: 5, cout: 5, k: 3, groups: 5),         // depthwise
        ConvCase(n: 2, h: 5, w: 5, cin: 3, cout: 3, k: 5, stride: 2, padding: .same, groups: 3, bias: false),
        ConvCase(n: 1, h: 5, w: 4, cin: 2, cout: 6, k: 3, stride: 2, padding: .symmetric(1), groups: 2), // multiplier 3
    ]

    /// The convolution is linear in x and in w, so central differences are exact up to float
    /// rounding: the default tolerance (2e-2 relative) has ample margin.
    @Test(arguments: gradientCases)
    func gradientsMatchFiniteDifferences(_ cs: ConvCase) {
        checkGradients(cs.makeConv(), input: cs.makeInput())
    }

    /// Tiny workspaces force many im2col chunks (chunks of one output row, chunks that cross
    /// image boundaries) and two threads split every copy loop: results must equal one chunk
    /// on one thread (the same products in the same order, so to float rounding).
    @Test(arguments: [
        ConvCase(n: 3, h: 7, w: 6, cin: 3, cout: 4, k: 3, stride: 1, padding: .symmetric(1)),
        ConvCase(n: 3, h: 9, w: 8, cin: 3, cout: 4, k: 7, stride: 2, padding: .symmetric(3)),
        ConvCase(n: 2, h: 6, w: 6, cin: 4, cout: 6, k: 3, stride: 2, padding: .same, groups: 2),
        ConvCase(n: 3, h: 6, w: 5, cin: 4, cout: 8, k: 3, stride: 1, padding: .symmetric(1), groups: 4),
    ], [1, 50, 200])
    func chunkedAndThreadedMatchSerial(_ cs: ConvCase, chunkLimit: Int) throws {
        let x = cs.makeInput()
        let serialConv = cs.makeConv(), chunkedConv = cs.makeConv()
        chunkedConv.workspace = ConvWorkspace(chunkLimit: chunkLimit)
        let serial = Context(training: true), threaded = Context(training: true, parallel: Parallel(threads: 2))
        let y0 = serialConv.forward(x, serial), y1 = chunkedConv.forward(x, threaded)
        #expect(maxAbsDifference(y0, y1) < 1e-5)
        let dy = randomTensor(y0.shape, seed: 21)
        let dx0 = try #require(serialConv.backward(dy, serial))
        let dx1 = try #require(chunkedConv.backward(dy, threaded))
        #expect(maxAbsDifference(dx0, dx1) < 1e-5)
        #expect(maxAbsDifference(serialConv.weight.grad, chunkedConv.weight.grad) < 1e-4)
        #expect(maxAbsDifference(serialConv.bias!.grad, chunkedConv.bias!.grad) < 1e-4)
    }

    /// The weight gradient also checked against its definition for one case:
    /// dW[o,ky,kx,ci] = Σ dy[n,oy,ox,o] · x[n, oy·s−pt+ky, ox·s−pl+kx, ci], with the same
    /// loops as the reference forward (here through its linearity: dW = ∂/∂w Σ dy·conv(x, w)).
    @Test func weightGradientIsCorrelationOfInputAndDy() {
        let cs = ConvCase(n: 2, h: 6, w: 5, cin: 3, cout: 2, k: 3, stride: 2, padding: .same, bias: false)
        let conv = cs.makeConv(), x = cs.makeInput(), ctx = Context(training: true)
        let dy = randomTensor(conv.forward(x, ctx).shape, seed: 13)
        _ = conv.backward(dy, ctx)
        // Σ dy·conv(x, e_j) for the unit weight e_j is exactly dW[j].
        for j in 0..<conv.weight.value.count {
            let unit = Tensor(shape: conv.weight.shape)
            unit[j] = 1
            let yj = referenceConv(x, weight: unit, bias: nil, stride: 2, padding: .same, groups: 1)
            var want = 0.0
            for i in 0..<yj.count { want += Double(yj[i]) * Double(dy[i]) }
            #expect(abs(Double(conv.weight.grad[j]) - want) < 1e-4)
        }
    }
}
