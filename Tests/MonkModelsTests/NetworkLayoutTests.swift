// State-dict names, shapes and parameter counts of every network against PyTorch's own lists.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

/// The network's state dict as PyTorch orders it (per module: parameters, buffers, then
/// children) with convolution weights in PyTorch's [out, in/groups, kh, kw] shape.
func torchLayout(of network: Module) -> [String] {
    var lines: [String] = []
    func walk(_ m: Module, _ prefix: String) {
        for (name, p) in m.ownParameters {
            let shape = m is Conv2D && name == "weight" ? Conv2D.toTorchLayout(p.value).shape : p.shape
            lines.append("\(prefix)\(name)\t\(shape)")
        }
        for (name, b) in m.ownBuffers { lines.append("\(prefix)\(name)\t\(b.value.shape)") }
        for (name, child) in m.namedChildren { walk(child, prefix + name + ".") }
    }
    walk(network, "")
    return lines
}

/// A fixture list without its header and without `num_batches_tracked` (not modelled).
func referenceLayout(_ file: String) throws -> (lines: [String], parameterCount: Int) {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/layouts/\(file)", withExtension: "txt"))
    let text = try String(contentsOf: url, encoding: .utf8)
    let all = text.split(separator: "\n").map(String.init)
    let header = try #require(all.first)
    let count = try #require(Int(header.components(separatedBy: "= ").last ?? ""))
    let lines = all.dropFirst().filter { !$0.contains("num_batches_tracked") }
    return (lines, count)
}

/// Compares line by line so a failure names the first differing entry; also runs the
/// network once (eval mode, batch 2, 32×32) to check its output shape, since building the
/// large networks is the slow part of these tests in debug builds.
func expectLayout(_ network: any ClassifierNetwork, equals file: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let y = network.forward(Tensor(shape: [2, 32, 32, 3], repeating: 0.25), Context(training: false))
    #expect(y.shape == [2, network.numClasses], sourceLocation: sourceLocation)
    #expect(y.array.allSatisfy { $0.isFinite }, sourceLocation: sourceLocation)
    let ref = try referenceLayout(file)
    let ours = torchLayout(of: network)
    #expect(ours.count == ref.lines.count, "\(file): \(ours.count) entries vs \(ref.lines.count)", sourceLocation: sourceLocation)
    if let i = (0..<min(ours.count, ref.lines.count)).first(where: { ours[$0] != ref.lines[$0] }) {
        Issue.record("\(file) line \(i + 2): ours `\(ours[i])`, PyTorch `\(ref.lines[i])`", sourceLocation: sourceLocation)
    }
    #expect(network.parameterCount == ref.parameterCount, sourceLocation: sourceLocation)
}

/// Forward FLOPs at 224 px equal 2 × torchvision's published GMACs within their rounding.
func expectFLOPs(_ net: any ClassifierNetwork, gmacs: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    let g = net.forwardFLOPs(height: 224, width: 224) / 1e9
    #expect(abs(g / (2 * gmacs) - 1) < 0.005, "\(g) GFLOP vs 2 × \(gmacs) GMAC", sourceLocation: sourceLocation)
}

@Suite struct NetworkLayoutTests {
    // Parameter counts with 1000 classes, from torchvision (also the fixture headers):
    // resnet18 11,689,512; resnet34 21,797,672; resnet50 25,557,032; resnet101 44,549,160.
    // Forward GMACs at 224 px, torchvision's `Weights.meta["_ops"]` (3 digits): 1.814, 3.664,
    // 4.089, 7.801 — our FLOPs count 2 per multiply-add.
    @Test(arguments: [(ResNet.Depth.resnet18, "resnet18", 11_689_512, 1.814), (.resnet34, "resnet34", 21_797_672, 3.664),
                      (.resnet50, "resnet50", 25_557_032, 4.089), (.resnet101, "resnet101", 44_549_160, 7.801)])
    func resnetV1(depth: ResNet.Depth, file: String, count: Int, gmacs: Double) throws {
        var rng = RNG(seed: 1)
        let net = ResNet(depth, numClasses: 1000, rng: &rng)
        #expect(net.parameterCount == count)
        try expectLayout(net, equals: file)
        expectFLOPs(net, gmacs: gmacs)
    }

    // densenet121 7,978,856; densenet169 14,149,480 (torchvision); GMACs 2.834, 3.36.
    @Test(arguments: [(DenseNet.Depth.densenet121, "densenet121", 7_978_856, 2.834), (.densenet169, "densenet169", 14_149_480, 3.36)])
    func densenet(depth: DenseNet.Depth, file: String, count: Int, gmacs: Double) throws {
        var rng = RNG(seed: 1)
        let net = DenseNet(depth, numClasses: 1000, rng: &rng)
        #expect(net.parameterCount == count)
        try expectLayout(net, equals: file)
        expectFLOPs(net, gmacs: gmacs)
    }

    // mobilenet_v2 3,504,872 (torchvision); GMACs 0.301.
    @Test func mobilenetV2() throws {
        var rng = RNG(seed: 1)
        let net = MobileNetV2(numClasses: 1000, rng: &rng)
        #expect(net.parameterCount == 3_504_872)
        try expectLayout(net, equals: "mobilenet_v2")
        expectFLOPs(net, gmacs: 0.301)
    }

    // 4,652,008: the parameters (not running statistics) in the pretrained file itself.
    @Test func efficientnetLite0() throws {
        var rng = RNG(seed: 1)
        let net = EfficientNetLite(numClasses: 1000, rng: &rng)
        #expect(net.parameterCount == 4_652_008)
        try expectLayout(net, equals: "efficientnet_lite0")
    }

    // Lite1 (width 1.0, depth 1.1) and Lite2 (1.1, 1.2): names, shapes and parameter counts
    // of the PyPI packages' pretrained files (5,416,680 and 6,092,072 parameters).
    @Test(arguments: [(EfficientNetLite.Variant.lite1, 5_416_680), (.lite2, 6_092_072)])
    func efficientnetLiteScaled(variant: EfficientNetLite.Variant, parameters: Int) throws {
        var rng = RNG(seed: 1)
        let net = EfficientNetLite(variant, numClasses: 1000, rng: &rng)
        #expect(net.parameterCount == parameters)
        try expectLayout(net, equals: "efficientnet_lite\(variant.rawValue)")
        #expect(net._blocks.count == 21)
    }

    /// Pre-activation ResNet has no torchvision model: its count is computed here from the
    /// paper's table by hand-written formulas (BN = 2 per channel, conv = in·out·k², fc = in·out + out).
    @Test(arguments: [PreActResNet.Depth.resnet18, .resnet50])
    func preActivationCounts(depth: PreActResNet.Depth) {
        let bottleneck = depth == .resnet50, e = bottleneck ? 4 : 1
        var count = 3 * 64 * 49 + 2 * 64                       // conv1, bn1
        var inC = 64
        for (stage, width) in [64, 128, 256, 512].enumerated() {
            for b in 0..<depth.blockCounts[stage] {
                let out = width * e
                count += 2 * inC                                 // bn1 (pre-activation of the input)
                if bottleneck {
                    count += inC * width + 2 * width + width * width * 9 + 2 * width + width * out
                } else {
                    count += inC * width * 9 + 2 * width + width * width * 9
                }
                if b == 0 && (stage > 0 || inC != out) { count += inC * out }   // 1×1 projection, no BN
                inC = out
            }
        }
        count += 2 * inC + inC * 1000 + 1000                   // bn_final, fc
        var rng = RNG(seed: 1)
        let net = PreActResNet(depth, numClasses: 1000, rng: &rng)
        #expect(net.parameterCount == count)
        let y = net.forward(Tensor(shape: [2, 32, 32, 3], repeating: 0.25), Context(training: false))
        #expect(y.shape == [2, 1000])
        #expect(count == (depth == .resnet18 ? 11_687_848 : 25_549_480))
    }

    @Test func tinyCNNCount() {
        var rng = RNG(seed: 1)
        let net = TinyCNN(numClasses: 2, rng: &rng)
        // convs 3·16·9 + 16·32·9 + 32·64·9, BNs 2·(16 + 32 + 64), fc 64·2 + 2.
        #expect(net.parameterCount == 432 + 4608 + 18432 + 224 + 130)
    }
}
