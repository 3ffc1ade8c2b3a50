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
        ConvCase(n: 1, h: 4, w: 5, cin: 18, cout: 18, k: 3, stride: 2, padding: .same, groups: 18), // SIMD block + tail
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
    /// image boundaries); 2–3 workers split rows and images (OpenBLAS single-threaded) or
    /// copies run threaded around multi-threaded products. Every combination must equal the
    /// serial single-chunk layer, to float rounding (sums are only regrouped).
    @Test(arguments: [
        ConvCase(n: 3, h: 7, w: 6, cin: 3, cout: 4, k: 3, stride: 1, padding: .symmetric(1)),
        ConvCase(n: 3, h: 9, w: 8, cin: 3, cout: 4, k: 7, stride: 2, padding: .symmetric(3)),
        ConvCase(n: 2, h: 6, w: 6, cin: 4, cout: 6, k: 3, stride: 2, padding: .same, groups: 2),
        ConvCase(n: 3, h: 5, w: 4, cin: 4, cout: 6, k: 1, padding: .symmetric(0), groups: 2),
        ConvCase(n: 3, h: 6, w: 5, cin: 4, cout: 8, k: 1, stride: 2, padding: .symmetric(0)),
    ])
    func chunkedAndThreadedMatchSerial(_ cs: ConvCase) throws {
        let x = cs.makeInput()
        let layer = cs.makeConv(), serial = Context(training: true)
        let y0 = layer.forward(x, serial)
        let dy = randomTensor(y0.shape, seed: 21)
        let dx0 = try #require(layer.backward(dy, serial))
        let g = layer.geometry(x.shape)
        // (chunkLimit floats, minRows, threads, OpenBLAS threads)
        // The last: everything fits one chunk, which the forward pass splits between the threads.
        for (limit, minRows, threads, blas) in [(1, 1, 2, 1), (50, 1, 3, 1), (200, 1, 2, 2), (1 << 17, 256, 2, 1), (1 << 17, 8, 2, 1)] {
            let ws = ConvWorkspace(chunkLimit: limit, minRows: minRows), par = Parallel(threads: threads)
            let y = Tensor(shape: y0.shape), dx = Tensor(shape: x.shape), dW = Tensor(shape: layer.weight.shape)
            ConvGEMM.forward(x: x.data, weight: layer.weight.value.data, bias: layer.bias!.value.data, y: y.data, g,
                             workspace: ws, parallel: par, blasThreads: blas)
            ConvGEMM.backward(x: x.data, weight: layer.weight.value.data, dy: dy.data, weightGrad: dW.data,
                              dx: dx.data, g, workspace: ws, parallel: par, blasThreads: blas)
            let how = "\(cs) chunk \(limit) threads \(threads) blas \(blas)"
            #expect(maxAbsDifference(y0, y) < 1e-5, "\(how)")
            #expect(maxAbsDifference(dx0, dx) < 1e-5, "\(how)")
            #expect(maxAbsDifference(layer.weight.grad, dW) < 1e-4, "\(how)")
        }
    }

    /// The depthwise loop split over two threads (images per thread, private weight-gradient
    /// sums) equals the serial loop.
    @Test func depthwiseThreadedMatchesSerial() throws {
        let cs = ConvCase(n: 3, h: 6, w: 5, cin: 4, cout: 8, k: 3, stride: 1, padding: .symmetric(1), groups: 4)
        let x = cs.makeInput(), a = cs.makeConv(), b = cs.makeConv()
        let serial = Context(training: true), threaded = Context(training: true, parallel: Parallel(threads: 2))
        let y0 = a.forward(x, serial), y1 = b.forward(x, threaded)
        #expect(maxAbsDifference(y0, y1) < 1e-6)
        let dy = randomTensor(y0.shape, seed: 21)
        let dx0 = try #require(a.backward(dy, serial)), dx1 = try #require(b.backward(dy, threaded))
        #expect(maxAbsDifference(dx0, dx1) < 1e-6)
        #expect(maxAbsDifference(a.weight.grad, b.weight.grad) < 1e-5)
        #expect(maxAbsDifference(a.bias!.grad, b.bias!.grad) < 1e-5)
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
