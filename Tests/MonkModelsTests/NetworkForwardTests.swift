// Whole-network forward passes against PyTorch: same closed-formula weights and input, same
// logits, for every family (v1 and pre-activation ResNets, DenseNet, MobileNetV2), in eval mode.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

/// `Fixtures/reference/forward.json`, written by `python3 reference_forward.py > forward.json`
/// in that folder (torch 2.15, torchvision 0.29): logits computed in float64 for a batch of two
/// 32×32 items (`referenceImage(batch: 2, size: 32)`), 10 classes.
struct ForwardReference: Decodable {
    struct Network: Decodable {
        var logits: [Double]
        /// How far float32 alone moves the logits in PyTorch, relative to max(1, |logit|).
        var float32_relative_gap: Double
        /// The state dict's names and PyTorch shapes, for networks torchvision does not have.
        var state_dict: [StateDictEntry]?
    }
    struct StateDictEntry: Decodable, Equatable {
        var name: String
        var shape: [Int]
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            name = try c.decode(String.self)
            shape = try c.decode([Int].self)
        }
        init(name: String, shape: [Int]) { self.name = name; self.shape = shape }
    }
    var networks: [String: Network]
}

@Suite struct NetworkForwardTests {
    /// Our float32 sums run in other orders than PyTorch's (and Winograd for 3×3 layers), so
    /// the bound is far above float32's own gap (≤ 1.1e-6 in forward.json) yet far below the
    /// difference between the batch's two items (checked below).
    static let tolerance = 2e-3

    static func network(_ name: String) -> ClassifierNetwork {
        var rng = RNG(seed: 3)
        switch name {
        case "resnet18": return ResNet(.resnet18, numClasses: 10, rng: &rng)
        case "resnet50": return ResNet(.resnet50, numClasses: 10, rng: &rng)
        case "densenet121": return DenseNet(.densenet121, numClasses: 10, rng: &rng)
        case "mobilenet_v2": return MobileNetV2(numClasses: 10, rng: &rng)   // eval: dropout is the identity
        case "resnet18_v2": return PreActResNet(.resnet18, numClasses: 10, rng: &rng)
        case "resnet50_v2": return PreActResNet(.resnet50, numClasses: 10, rng: &rng)
        default: preconditionFailure("no network \(name) in this test")
        }
    }

    @Test(arguments: ["resnet18", "resnet50", "densenet121", "mobilenet_v2", "resnet18_v2", "resnet50_v2"])
    func evalLogitsMatchPyTorch(name: String) throws {
        let reference = try #require(try referenceFixture("forward", as: ForwardReference.self).networks[name])
        let expected = reference.logits
        try #require(expected.count == 20)
        // The fixture must tell the items apart: a forward pass that mixed them up (or computed
        // one item twice) has to fail, so the items' logits differ by far more than the bound.
        let itemGap = (0..<10).map { abs(expected[$0] - expected[10 + $0]) }.max()!
        let scale = max(1, expected.map(abs).max()!)
        #expect(itemGap > 50 * Self.tolerance * scale, "the reference's two items differ by only \(itemGap)")

        let net = Self.network(name)
        if let recorded = reference.state_dict {
            // The pre-activation reference is hand-built: check it has our tensors in our order,
            // so that fillLikeReference gives both networks the same values.
            let ours = torchStateDict(of: net).entries.filter { !$0.name.hasSuffix("num_batches_tracked") }
                .map { ForwardReference.StateDictEntry(name: $0.name, shape: $0.tensor.shape) }
            #expect(ours == recorded)
        }
        fillLikeReference(net)
        let y = net.forward(referenceImage(batch: 2, size: 32), Context(training: false))
        try #require(y.shape == [2, 10])
        let worst = zip(y.array, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max()!
        #expect(worst < Self.tolerance, "largest relative difference \(worst): \(y.array) vs \(expected)")
    }
}
