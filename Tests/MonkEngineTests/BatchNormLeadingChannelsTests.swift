// BatchNorm on the leading channels of a wider buffer, read in place (a DenseNet block's
// features): the same bits as BatchNorm of a copy, and gradients that match finite differences.
import Testing
@testable import MonkEngine

@Suite("BatchNorm on leading channels")
struct BatchNormLeadingChannelsTests {
    /// A BatchNorm with γ, β and running statistics away from their defaults (1, 0, 0, 1),
    /// which would hide errors in them.
    private static func layer(_ c: Int, _ activation: BatchNorm2D.FusedActivation) -> BatchNorm2D {
        let bn = BatchNorm2D(channels: c, activation: activation)
        var r = RNG(seed: 41)
        for j in 0..<c {
            bn.weight.value[j] = r.uniform(0.5, 1.5); bn.bias.value[j] = r.uniform(-0.5, 0.5)
            bn.running_mean.value[j] = r.uniform(-0.3, 0.3); bn.running_var.value[j] = r.uniform(0.5, 2)
        }
        return bn
    }

    /// The leading `c` channels of `source`, as a contiguous tensor (what the old DenseNet
    /// layer copied out before calling the plain BatchNorm).
    private static func leading(_ c: Int, of source: Tensor) -> Tensor {
        let total = source.shape.last!, rows = source.count / total
        let out = Tensor(shape: Array(source.shape.dropLast()) + [c])
        for r in 0..<rows { for j in 0..<c { out[r * c + j] = source[r * total + j] } }
        return out
    }

    /// In place against a copy, for batch statistics, running statistics (eval), a frozen γ
    /// (running statistics while training) and a frozen β, with and without the fused ReLU:
    /// output, recomputed output, input gradient (added onto a non-zero gradient buffer whose
    /// other channels must stay untouched), γ and β gradients and running statistics are
    /// identical to the bit. The in-place path runs the same kernels per element, with
    /// `g += v` for `g = v` (so the expected gradient is the buffer plus the copy's dx).
    @Test(arguments: [(true, true, true), (false, true, true), (true, false, true), (true, true, false)],
          [BatchNorm2D.FusedActivation.relu, .identity])
    func sameBitsAsACopy(config: (training: Bool, weightTrainable: Bool, biasTrainable: Bool),
                         activation: BatchNorm2D.FusedActivation) {
        for (shape, c) in [([2, 3, 5, 21], 18), ([3, 2, 2, 7], 3), ([4, 40], 33)] {
            let source = randomTensor(shape, seed: 42, -3, 3)
            let rowsShape = Array(shape.dropLast()) + [c]
            let dy = randomTensor(rowsShape, seed: 43)
            let plain = Self.layer(c, activation), inPlace = Self.layer(c, activation)
            for bn in [plain, inPlace] {
                bn.weight.trainable = config.weightTrainable; bn.bias.trainable = config.biasTrainable
            }
            let ctx = Context(training: config.training, parallel: Parallel(threads: 2))
            let y1 = plain.forward(Self.leading(c, of: source), ctx)
            let y2 = inPlace.forward(leadingChannelsOf: source, ctx)
            #expect(y1.shape == y2.shape && y1.array.map(\.bitPattern) == y2.array.map(\.bitPattern))
            #expect(inPlace.recomputeOutput(fromLeadingChannelsOf: source, ctx).array.map(\.bitPattern)
                    == y1.array.map(\.bitPattern))

            let dx = plain.backward(dy, ctx)!
            let before = randomTensor(shape, seed: 44)
            let gradient = before.copy()
            #expect(inPlace.backward(dy, inputLeadingChannelsOf: source, addingInto: gradient, ctx))
            let total = shape.last!
            for r in 0..<(source.count / total) {
                for j in 0..<total {
                    let want = j < c ? before[r * total + j] + dx[r * c + j] : before[r * total + j]
                    #expect(gradient[r * total + j].bitPattern == want.bitPattern, "row \(r) channel \(j)")
                }
            }
            #expect(plain.weight.grad.array == inPlace.weight.grad.array && plain.bias.grad.array == inPlace.bias.grad.array)
            #expect(plain.running_mean.value.array == inPlace.running_mean.value.array)
            #expect(plain.running_var.value.array == inPlace.running_var.value.array)
            // Nothing was kept: the buffer is read again in backward, never held by the layer.
            #expect(inPlace.input == nil)
        }
    }

    /// Nothing to compute: no trainable parameter and no input gradient needed.
    @Test func frozenLayerWithoutInputGradientAddsNothing() {
        let bn = Self.layer(3, .relu)
        bn.weight.trainable = false; bn.bias.trainable = false; bn.needsInputGradient = false
        let source = randomTensor([2, 2, 2, 5], seed: 45), gradient = randomTensor([2, 2, 2, 5], seed: 46)
        let before = gradient.array
        let ctx = Context(training: true)
        _ = bn.forward(leadingChannelsOf: source, ctx)
        #expect(!bn.backward(randomTensor([2, 2, 2, 3], seed: 47), inputLeadingChannelsOf: source, addingInto: gradient, ctx))
        #expect(gradient.array == before)
    }

    /// The in-place layer as a module of the whole buffer: dL/d(buffer) is the BatchNorm's
    /// gradient on the leading channels and 0 on the others. Checked against central
    /// differences (GradCheck: L = Σ y·w, h = 1e-2, Float32 forward passes → 1e-2 relative),
    /// with batch statistics and with running ones, with and without the fused ReLU. With the
    /// ReLU the input is first moved so that every pre-activation is at least 0.1 from the
    /// kink: a step of h moves a pre-activation by at most γ·h/σ ≈ 0.02 here, so the central
    /// difference never straddles the kink, where it is not the derivative of either side.
    @Test(arguments: [true, false], [BatchNorm2D.FusedActivation.relu, .identity])
    func gradientsMatchFiniteDifferences(training: Bool, activation: BatchNorm2D.FusedActivation) {
        final class Leading: Module {
            let bn: BatchNorm2D
            var needsInputGradient = true
            private var source: Tensor?
            init(_ bn: BatchNorm2D) { self.bn = bn }
            func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
                source = x
                return bn.forward(leadingChannelsOf: x, ctx)
            }
            func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
                let g = Tensor(shape: source!.shape)
                return bn.backward(dy, inputLeadingChannelsOf: source!, addingInto: g, ctx) ? g : nil
            }
        }
        let c = 3
        let bn = Self.layer(c, activation)
        let x = randomTensor([2, 3, 2, 5], seed: 48, -2, 2)
        if activation == .relu { Self.moveAwayFromKink(x, channels: c, bn, batchStatistics: training) }
        checkGradients(Leading(bn), input: x, training: training, h: 1e-2, tolerance: 1e-2)
    }

    /// Moves the leading `c` channels of `x` until every pre-activation γ·(x − μ)/σ + β (with
    /// the batch's μ, σ, or the running ones) is at least 0.1 from 0.
    private static func moveAwayFromKink(_ x: Tensor, channels c: Int, _ bn: BatchNorm2D, batchStatistics: Bool) {
        let total = x.shape.last!, rows = x.count / total
        func preActivations() -> [Float] {
            var z = [Float](repeating: 0, count: rows * c)
            for j in 0..<c {
                var mean = bn.running_mean.value[j], variance = bn.running_var.value[j]
                if batchStatistics {
                    let v = (0..<rows).map { Double(x[$0 * total + j]) }
                    let m = v.reduce(0, +) / Double(rows)
                    mean = Float(m); variance = Float(v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(rows))
                }
                let scale = bn.weight.value[j] / (variance + bn.eps).squareRoot()
                for r in 0..<rows { z[r * c + j] = (x[r * total + j] - mean) * scale + bn.bias.value[j] }
            }
            return z
        }
        for _ in 0..<10 {
            let z = preActivations()
            let near = z.indices.filter { abs(z[$0]) < 0.1 }
            if near.isEmpty { return }
            for i in near { x[i / c * total + i % c] += z[i] < 0 ? -0.3 : 0.3 }
        }
        #expect(preActivations().allSatisfy { abs($0) >= 0.1 }, "inputs still near the ReLU's kink")
    }
}
