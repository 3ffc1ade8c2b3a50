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

/// Compares line by line so a failure names the first differing entry.
func expectLayout(_ network: Module, equals file: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let ref = try referenceLayout(file)
    let ours = torchLayout(of: network)
    #expect(ours.count == ref.lines.count, "\(file): \(ours.count) entries vs \(ref.lines.count)", sourceLocation: sourceLocation)
    if let i = (0..<min(ours.count, ref.lines.count)).first(where: { ours[$0] != ref.lines[$0] }) {
        Issue.record("\(file) line \(i + 2): ours `\(ours[i])`, PyTorch `\(ref.lines[i])`", sourceLocation: sourceLocation)
    }
    #expect(network.parameterCount == ref.parameterCount, sourceLocation: sourceLocation)
}

@Suite struct NetworkLayoutTests {
    // Parameter counts with 1000 classes, from torchvision (also the fixture headers):
    // resnet18 11,689,512; resnet34 21,797,672; resnet50 25,557,032; resnet101 44,549,160.
    @Test(arguments: [(ResNet.Depth.resnet18, "resnet18", 11_689_512), (.resnet34, "resnet34", 21_797_672),
                      (.resnet50, "resnet50", 25_557_032), (.resnet101, "resnet101", 44_549_160)])
    func resnetV1(depth: ResNet.Depth, file: String, count: Int) throws {
        var rng = RNG(seed: 1)
        let net = ResNet(depth, numClasses: 1000, rng: &rng)
        #expect(net.parameterCount == count)
        try expectLayout(net, equals: file)
    }
}
