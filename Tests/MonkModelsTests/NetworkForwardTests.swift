// Whole-network forward passes against PyTorch: same closed-formula weights and input, same logits.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

/// Fills every state-dict entry as `Fixtures/layouts/reference_forward.py` does: entry k
/// (in PyTorch's order, without num_batches_tracked) gets base(i) = sin(0.37·i + 1.3·k) over
/// its PyTorch-layout flat index i, shaped per kind of tensor.
func fillLikeReference(_ network: Module) {
    var k = 0
    func values(_ name: String, _ torchShape: [Int]) -> [Float] {
        let n = torchShape.reduce(1, *)
        return (0..<n).map { i in
            let base = sin(0.37 * Double(i) + 1.3 * Double(k))
            let v: Double
            if name.hasSuffix("running_var") { v = 1 + 0.5 * base * base }
            else if name.hasSuffix("running_mean") { v = 0.1 * base }
            else if torchShape.count >= 2 { v = base * (2.0 / Double(n / torchShape[0])).squareRoot() }
            else if name.hasSuffix("weight") { v = 1 + 0.1 * base }
            else { v = 0.1 * base }
            return Float(v)
        }
    }
    func walk(_ m: Module) {
        for (name, p) in m.ownParameters {
            if m is Conv2D && name == "weight" {
                let shape = Conv2D.toTorchLayout(p.value).shape
                let oihw = Tensor(shape: shape, values: values(name, shape))
                let ohwi = Conv2D.fromTorchLayout(oihw)
                withExtendedLifetime(ohwi) { p.value.data.update(from: ohwi.data, count: p.value.count) }
            } else {
                p.value.data.update(from: values(name, p.shape), count: p.value.count)
            }
            k += 1
        }
        for (name, b) in m.ownBuffers {
            b.value.data.update(from: values(name, b.value.shape), count: b.value.count)
            k += 1
        }
        for (_, child) in m.namedChildren { walk(child) }
    }
    walk(network)
}

/// x[b, h, w, c] = sin(0.3·h + 0.7·w + 1.1·c + 2.3·b), NHWC.
func referenceImage(batch: Int, size: Int) -> Tensor {
    let x = Tensor(shape: [batch, size, size, 3])
    var i = 0
    for b in 0..<batch { for h in 0..<size { for w in 0..<size { for c in 0..<3 {
        x[i] = Float(sin(0.3 * Double(h) + 0.7 * Double(w) + 1.1 * Double(c) + 2.3 * Double(b)))
        i += 1
    } } } }
    return x
}

func expectLogits(_ net: Module, training: Bool, _ expected: [Float], sourceLocation: SourceLocation = #_sourceLocation) {
    fillLikeReference(net)
    let y = net.forward(referenceImage(batch: 2, size: 32), Context(training: training))
    #expect(y.shape == [2, 10], sourceLocation: sourceLocation)
    let worst = zip(y.array, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
    #expect(worst < 2e-3, "largest relative difference \(worst): \(y.array) vs \(expected)", sourceLocation: sourceLocation)
}

/// Expected values: `python3 Tests/MonkModelsTests/Fixtures/layouts/reference_forward.py`
/// (torch 2.15, torchvision 0.29), printed to 5 decimals. Batch 2, 32×32, 10 classes.
@Suite struct NetworkForwardTests {
    @Test func resnet18Eval() {
        var rng = RNG(seed: 3)
        expectLogits(ResNet(.resnet18, numClasses: 10, rng: &rng), training: false,
                     [1.43592, 3.41506, 2.54894, -0.42026, -3.01073, -3.05826, -0.51015, 2.52939, 3.54007, 1.67198, 1.43583, 3.41499, 2.54896, -0.42018, -3.01065, -3.05825, -0.51022, 2.5293, 3.54003, 1.67202])
    }

    @Test func resnet50Eval() {
        var rng = RNG(seed: 3)
        expectLogits(ResNet(.resnet50, numClasses: 10, rng: &rng), training: false,
                     [12.55811, -12.60601, 7.91648, 0.15583, -7.82946, 12.78407, -12.43281, 7.44017, 0.57491, -8.38006, 12.55542, -12.60387, 7.91574, 0.1549, -7.82721, 12.78139, -12.43074, 7.43952, 0.57388, -8.37776])
    }

    @Test func densenet121Eval() {
        var rng = RNG(seed: 3)
        expectLogits(DenseNet(.densenet121, numClasses: 10, rng: &rng), training: false,
                     [0.63981, 1.83403, -1.53919, -0.63135, 2.13368, -0.57104, -1.72953, 1.60821, 0.59339, -2.17753, 0.63981, 1.83403, -1.53919, -0.63135, 2.13368, -0.57104, -1.72952, 1.60821, 0.59339, -2.17752])
    }

    /// Eval mode, so the classifier's dropout is the identity.
    @Test func mobilenetV2Eval() {
        var rng = RNG(seed: 3)
        expectLogits(MobileNetV2(numClasses: 10, rng: &rng), training: false,
                     [0.68222, 1.28583, -2.38829, 2.33175, -0.62998, -1.10901, 2.52116, -2.21376, 0.79485, 1.14093, 0.68222, 1.28583, -2.38829, 2.33175, -0.62998, -1.10901, 2.52116, -2.21376, 0.79484, 1.14093])
    }
}
