// A forward pass that no backward follows (`Context.keepsForBackward == false`) must leave no
// tensor behind in any layer, so inference frees each activation once the next layer read it.
import Testing
@testable import MonkEngine

@Suite("Inference keeps no activations")
struct InferenceMemoryTests {
    /// Runs `layer` on a fresh input and reports whether the input and the output outlived
    /// the call (held by the layer: the test drops its own references first).
    private func survivors(_ layer: Module, shape: [Int], keeps: Bool, training: Bool = false) -> (input: Bool, output: Bool) {
        var rng = RNG(seed: 7)
        weak var input: Tensor?
        weak var output: Tensor?
        do {
            let x = Tensor(shape: shape)
            for i in 0..<x.count { x[i] = rng.normal() }
            let ctx = Context(training: training, keepsForBackward: keeps)
            let y = layer.forward(x, ctx)
            input = x
            output = y
        }
        return (input != nil, output != nil)
    }

    @Test("Conv2D (im2col, 1×1 and Winograd), BatchNorm, Linear, ReLU, ReLU6, Dropout and pools")
    func layersKeepNothing() {
        var rng = RNG(seed: 1)
        let cases: [(String, Module, [Int])] = [
            ("conv 3×3 im2col", Conv2D(inChannels: 4, outChannels: 8, kernelSize: 3, padding: .symmetric(1), rng: &rng), [2, 6, 6, 4]),
            ("conv 1×1", Conv2D(inChannels: 4, outChannels: 8, kernelSize: 1, rng: &rng), [2, 6, 6, 4]),
            ("conv 3×3 winograd", {
                let c = Conv2D(inChannels: 16, outChannels: 16, kernelSize: 3, padding: .symmetric(1), rng: &rng)
                c.algorithm = .winograd
                return c
            }(), [1, 8, 8, 16]),
            ("batchnorm+relu", BatchNorm2D(channels: 4, activation: .relu), [2, 3, 3, 4]),
            ("linear", Linear(inFeatures: 4, outFeatures: 3, rng: &rng), [5, 4]),
            ("relu", ReLU(), [2, 3, 3, 4]),
            ("relu6", ReLU6(), [2, 3, 3, 4]),
            ("maxpool", MaxPool2D(kernelSize: 2, stride: 2), [2, 4, 4, 4]),
            ("avgpool", AvgPool2D(kernelSize: 2, stride: 2), [2, 4, 4, 4]),
            ("global avgpool", GlobalAvgPool(), [2, 4, 4, 4]),
        ]
        for (name, layer, shape) in cases {
            let kept = survivors(layer, shape: shape, keeps: false)
            #expect(!kept.input && !kept.output, "\(name) kept a tensor for a backward that will not run")
        }
        // The same layers keep what their backward reads when one may follow: the input
        // (convolution, BatchNorm, Linear) or the output (ReLU, ReLU6).
        let keeping: [(Module, [Int], Bool)] = [
            (Conv2D(inChannels: 4, outChannels: 8, kernelSize: 3, padding: .symmetric(1), rng: &rng), [2, 6, 6, 4], true),
            (BatchNorm2D(channels: 4, activation: .relu), [2, 3, 3, 4], true),
            (Linear(inFeatures: 4, outFeatures: 3, rng: &rng), [5, 4], true),
            (ReLU(), [2, 3, 3, 4], false),
        ]
        for (layer, shape, keepsInput) in keeping {
            let kept = survivors(layer, shape: shape, keeps: true)
            #expect(keepsInput ? kept.input : kept.output, "\(layer) dropped what its backward reads")
        }
    }

    /// A training-mode forward (batch statistics, dropout) without a backward after it, as
    /// a validation pass in train mode would be: BatchNorm still moves its running statistics
    /// exactly as with `keepsForBackward`, and keeps nothing.
    @Test("Training-mode forward without backward: same outputs and statistics, nothing kept")
    func trainingForwardWithoutBackward() {
        let a = BatchNorm2D(channels: 3), b = BatchNorm2D(channels: 3)
        var rng = RNG(seed: 3)
        let x = Tensor(shape: [2, 2, 2, 3], values: (0..<24).map { _ in rng.normal() })
        let ya = a.forward(x, Context(training: true, keepsForBackward: true))
        let yb = b.forward(x, Context(training: true, keepsForBackward: false))
        #expect(ya.array == yb.array)
        #expect(a.running_mean.value.array == b.running_mean.value.array)
        #expect(a.running_var.value.array == b.running_var.value.array)
        #expect(!survivors(BatchNorm2D(channels: 3), shape: [2, 2, 2, 3], keeps: false, training: true).input)
        let dropout = Dropout(p: 0.5)
        let kept = survivors(dropout, shape: [2, 8], keeps: false, training: true)
        #expect(!kept.input && !kept.output)
    }
}
