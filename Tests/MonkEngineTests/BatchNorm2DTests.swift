// BatchNorm2D against a naive Double reference, PyTorch numbers, and finite differences.
import Foundation
import Testing
@testable import MonkEngine

@Suite struct BatchNorm2DTests {
    /// x[n,h,w,c] at NHWC flat index i = sin(0.37·i + 0.1)·(1 + 0.5c) + 0.3c (the PyTorch run
    /// below builds the same tensor).
    static func sineInput(_ shape: [Int]) -> Tensor {
        let c = shape.last!
        let values: [Float] = (0..<shape.reduce(1, *)).map { i in
            let channel = Double(i % c)
            let wave: Double = sin(0.37 * Double(i) + 0.1)
            return Float(wave * (1 + 0.5 * channel) + 0.3 * channel)
        }
        return Tensor(shape: shape, values: values)
    }

    static func layer(_ c: Int, eps: Float = 1e-5, momentum: Float = 0.1) -> BatchNorm2D {
        let bn = BatchNorm2D(channels: c, eps: eps, momentum: momentum)
        for j in 0..<c { bn.weight.value[j] = 1.5 - 0.7 * Float(j); bn.bias.value[j] = 0.1 * Float(j) - 0.2 }
        return bn
    }

    /// Per-channel mean and biased variance, two passes in Double.
    static func naiveStats(_ x: Tensor, _ c: Int) -> (mean: [Double], variance: [Double]) {
        let rows = x.count / c
        var mean = [Double](repeating: 0, count: c), variance = mean
        for r in 0..<rows { for j in 0..<c { mean[j] += Double(x[r * c + j]) / Double(rows) } }
        for r in 0..<rows { for j in 0..<c { variance[j] += pow(Double(x[r * c + j]) - mean[j], 2) / Double(rows) } }
        return (mean, variance)
    }

    // PyTorch 2.x reference (python3, torch.nn.BatchNorm2d on the same tensor in NCHW):
    //   x = tensor([sin(0.37*i+0.1)*(1+0.5*(i%3))+0.3*(i%3) for i in range(72)]).reshape(2,3,4,3)
    //   bn = BatchNorm2d(3, eps=1e-3, momentum=0.3); weight=[1.5,-0.5,2.0]; bias=[0.1,0.2,-0.3]
    //   bn.train(); y = bn(x.permute(0,3,1,2)).permute(0,2,3,1).reshape(-1); y[[0,7,35,71]]
    //   bn.eval(); same for the eval output
    @Test func matchesPyTorchTrainingThenEval() {
        let x = Self.sineInput([2, 3, 4, 3])
        let bn = BatchNorm2D(channels: 3, eps: 1e-3, momentum: 0.3)
        for (j, (g, b)) in zip([1.5, -0.5, 2.0] as [Float], [0.1, 0.2, -0.3] as [Float]).enumerated() {
            bn.weight.value[j] = g; bn.bias.value[j] = b
        }
        let y = bn.forward(x, Context(training: true))
        for (i, ref) in zip([0, 7, 35, 71], [0.281386, -0.086603, 0.872433, 2.217282] as [Float]) {
            #expect(abs(y[i] - ref) < 2e-5, "train y[\(i)] = \(y[i]), PyTorch \(ref)")
        }
        let rm: [Float] = [0.004775781650096178, 0.10509409755468369, 0.20797547698020935]
        let rv: [Float] = [0.850433886051178, 1.047597885131836, 1.3374643325805664]
        for j in 0..<3 {
            #expect(abs(bn.running_mean.value[j] - rm[j]) < 1e-6)
            #expect(abs(bn.running_var.value[j] - rv[j]) < 1e-5)
        }
        let ye = bn.forward(x, Context(training: false))
        for (i, ref) in zip([0, 7, 35, 71], [0.254526, -0.214793, 1.985404, 3.644619] as [Float]) {
            #expect(abs(ye[i] - ref) < 2e-5, "eval y[\(i)] = \(ye[i]), PyTorch \(ref)")
        }
    }

    @Test(arguments: [[3, 5, 7, 4], [2, 1, 3, 1], [6, 5], [2, 3, 5, 35]])
    func trainingForwardAndRunningStatsMatchNaiveLoop(shape: [Int]) {
        let c = shape.last!
        let x = randomTensor(shape, seed: 11, -2, 3)
        let bn = Self.layer(c, momentum: 0.25)
        let y = bn.forward(x, Context(training: true))
        let (mean, variance) = Self.naiveStats(x, c)
        let rows = x.count / c
        for r in 0..<rows {
            for j in 0..<c {
                let ref = (Double(x[r * c + j]) - mean[j]) / (variance[j] + 1e-5).squareRoot()
                    * Double(bn.weight.value[j]) + Double(bn.bias.value[j])
                #expect(abs(Double(y[r * c + j]) - ref) < 1e-4)
            }
        }
        for j in 0..<c {
            #expect(abs(Double(bn.running_mean.value[j]) - 0.25 * mean[j]) < 1e-6)
            let unbiased = variance[j] * Double(rows) / Double(rows - 1)
            #expect(abs(Double(bn.running_var.value[j]) - (0.75 + 0.25 * unbiased)) < 1e-5)
        }
    }

    /// One-pass statistics around a shift must survive a mean far larger than the spread.
    @Test func varianceSurvivesLargeMean() {
        let x = randomTensor([4, 9, 9, 8], seed: 3, 999.9, 1000.1)
        let (mean, variance) = ChannelReduce.meanAndVariance(x, channels: 8, parallel: .serial)
        let ref = Self.naiveStats(x, 8)
        for j in 0..<8 {
            #expect(abs(mean[j] - ref.mean[j]) < 1e-4)
            #expect(abs(variance[j] - ref.variance[j]) < 1e-3 * ref.variance[j])
        }
    }

    @Test func evalAndFrozenUseRunningStatistics() {
        let x = randomTensor([2, 3, 3, 4], seed: 8)
        let bn = Self.layer(4)
        for j in 0..<4 { bn.running_mean.value[j] = 0.3 * Float(j) - 0.4; bn.running_var.value[j] = 0.5 + Float(j) }
        let before = (bn.running_mean.value.array, bn.running_var.value.array)
        let yEval = bn.forward(x, Context(training: false))
        bn.weight.trainable = false
        let yFrozen = bn.forward(x, Context(training: true))
        #expect(bn.running_mean.value.array == before.0 && bn.running_var.value.array == before.1)
        for i in 0..<x.count {
            let j = i % 4
            let ref = (x[i] - bn.running_mean.value[j]) / (bn.running_var.value[j] + 1e-5).squareRoot()
                * bn.weight.value[j] + bn.bias.value[j]
            #expect(abs(yEval[i] - ref) < 1e-5)
            #expect(yFrozen[i] == yEval[i])
        }
    }

    @Test(arguments: [[2, 3, 3, 5], [3, 1, 2, 3], [1, 5, 3, 2], [5, 4], [2, 3, 2, 18]])
    func trainingGradients(shape: [Int]) {
        checkGradients(Self.layer(shape.last!), input: randomTensor(shape, seed: 21), training: true, h: 1e-2, tolerance: 1e-2)
    }

    @Test(arguments: [[2, 3, 3, 5], [4, 3]])
    func evalGradients(shape: [Int]) {
        let bn = Self.layer(shape.last!)
        for j in 0..<bn.channels { bn.running_mean.value[j] = 0.2 * Float(j); bn.running_var.value[j] = 0.3 + 0.5 * Float(j) }
        checkGradients(bn, input: randomTensor(shape, seed: 4), training: false, tolerance: 1e-2)
    }

    /// A frozen weight switches to running statistics; the bias may still train.
    @Test func frozenWeightGradients() {
        let bn = Self.layer(3)
        for j in 0..<3 { bn.running_mean.value[j] = -0.1 * Float(j); bn.running_var.value[j] = 2 - 0.5 * Float(j) }
        bn.weight.trainable = false
        checkGradients(bn, input: randomTensor([2, 2, 3, 3], seed: 6), training: true, tolerance: 1e-2)
        #expect(bn.weight.grad.array.allSatisfy { $0 == 0 })
    }

    @Test func noInputGradientStillAccumulatesParameters() {
        let x = randomTensor([2, 3, 2, 4], seed: 9)
        let dy = randomTensor([2, 3, 2, 4], seed: 10)
        let a = Self.layer(4), b = Self.layer(4)
        b.needsInputGradient = false
        let ctx = Context(training: true)
        _ = a.forward(x, ctx); let dxA = a.backward(dy, ctx)
        _ = b.forward(x, ctx); let dxB = b.backward(dy, ctx)
        #expect(dxA != nil && dxB == nil)
        #expect(a.weight.grad.array == b.weight.grad.array && a.bias.grad.array == b.bias.grad.array)
        // Gradients add up across calls.
        _ = b.forward(x, ctx); _ = b.backward(dy, ctx)
        for j in 0..<4 { #expect(b.bias.grad[j] == 2 * a.bias.grad[j]) }
    }

    /// Fixed blocks combined in a fixed order: two threads give bit-identical results.
    @Test func threadCountDoesNotChangeResults() {
        // 2048 rows of 32 channels: just enough work for both threads in every kernel.
        let x = randomTensor([2, 32, 32, 32], seed: 2)
        let dy = randomTensor([2, 32, 32, 32], seed: 3)
        var outputs: [([Float], [Float], [Float])] = []
        for threads in [1, 2] {
            let bn = BatchNorm2D(channels: 32, activation: .relu)
            let ctx = Context(training: true, parallel: Parallel(threads: threads))
            let y = bn.forward(x, ctx)
            let dx = bn.backward(dy, ctx)!
            outputs.append((y.array, dx.array, bn.weight.grad.array))
        }
        #expect(outputs[0].0 == outputs[1].0 && outputs[0].1 == outputs[1].1 && outputs[0].2 == outputs[1].2)
    }

    /// The fused layer is BatchNorm followed by ReLU (ReLU6): same outputs, gradients, running
    /// stats. Inputs on [-4, 4) and γ up to 1.5 put outputs on both sides of 0 and of 6.
    @Test(arguments: [(true, true, false), (false, true, false), (true, false, false), (true, true, true), (false, true, true)])
    func fusedActivationMatchesSeparateLayers(training: Bool, weightTrainable: Bool, six: Bool) {
        for shape in [[3, 4, 5, 19], [2, 3, 3, 3], [7, 32]] {
            let c = shape.last!
            let x = randomTensor(shape, seed: 13, -4, 4), dy = randomTensor(shape, seed: 14)
            let relu: Module = six ? ReLU6() : ReLU()
            let plain = Self.layer(c), fused = BatchNorm2D(channels: c, activation: six ? .relu6 : .relu)
            for j in 0..<c {
                fused.weight.value[j] = plain.weight.value[j]; fused.bias.value[j] = plain.bias.value[j]
                for bn in [plain, fused] { bn.running_mean.value[j] = 0.1 * Float(j); bn.running_var.value[j] = 0.5 + 0.2 * Float(j) }
            }
            plain.weight.trainable = weightTrainable; fused.weight.trainable = weightTrainable
            let ctx = Context(training: training)
            let y1 = relu.forward(plain.forward(x, ctx), ctx), y2 = fused.forward(x, ctx)
            #expect(y1.array == y2.array)
            #expect(y2.array.contains(0) && y2.array.contains { $0 > 0 })
            if six && !training { #expect(y2.array.contains(6)) }
            let dx1 = plain.backward(relu.backward(dy, ctx)!, ctx)!, dx2 = fused.backward(dy, ctx)!
            for i in 0..<x.count { #expect(abs(dx1[i] - dx2[i]) < 1e-6) }
            for j in 0..<c {
                #expect(abs(plain.weight.grad[j] - fused.weight.grad[j]) < 1e-5)
                #expect(abs(plain.bias.grad[j] - fused.bias.grad[j]) < 1e-5)
                #expect(plain.running_mean.value[j] == fused.running_mean.value[j])
                #expect(plain.running_var.value[j] == fused.running_var.value[j])
            }
        }
    }

    /// BN, residual add and ReLU in one pass give the bits of the three separate steps
    /// (a BN forward, `+`, `Swift.max(0, ·)`), and move the running statistics the same way.
    @Test(arguments: [true, false])
    func addingThenReLUEqualsSeparateSteps(training: Bool) {
        for shape in [[3, 4, 5, 19], [2, 3, 3, 3], [2, 2, 2, 48]] {
            let c = shape.last!
            let x = randomTensor(shape, seed: 15, -3, 3), r = randomTensor(shape, seed: 16, -2, 2)
            let a = Self.layer(c), b = Self.layer(c)
            let ctx = Context(training: training, parallel: Parallel(threads: 2))
            let y = a.forward(x, ctx)
            let want = (0..<x.count).map { max(0, y[$0] + r[$0]) }
            let got = b.forward(x, addingThenReLU: r, ctx)
            #expect(got.array.map(\.bitPattern) == want.map(\.bitPattern))
            #expect(want.contains(0) && want.contains { $0 > 0 })
            #expect(a.running_mean.value.array == b.running_mean.value.array)
            #expect(a.running_var.value.array == b.running_var.value.array)
            // Backward is the plain layer's, from the statistics this forward used.
            let dy = randomTensor(shape, seed: 17)
            #expect(a.backward(dy, ctx)!.array == b.backward(dy, ctx)!.array)
        }
    }
}
