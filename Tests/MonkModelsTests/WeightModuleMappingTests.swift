// Moving a PyTorch-layout state dict into an engine Module and back: OIHW↔OHWI, names, the
// replaceable head, and errors that name the offending tensors.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

@Suite struct WeightModuleMappingTests {
    /// A torch-layout state dict for TinyNet: the element at flat index i is i/10, like
    /// tiny-zip-format.pth (whose conv.weight is 0.0, 0.1, …).
    static func torchDict(classes: Int = 4) throws -> StateDict {
        func ramp(_ shape: [Int], _ start: Int) -> Tensor {
            Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { Float(start + $0) / 10 })
        }
        return try StateDict([
            ("conv.weight", ramp([2, 3, 3, 3], 0)), ("conv.bias", ramp([2], 100)),
            ("bn.weight", ramp([2], 110)), ("bn.bias", ramp([2], 120)),
            ("bn.running_mean", ramp([2], 130)), ("bn.running_var", ramp([2], 140)),
        ]).appending("bn.num_batches_tracked", Tensor(shape: []), dtype: .int64)
            .appending("fc.weight", ramp([classes, 2], 200)).appending("fc.bias", ramp([classes], 300))
    }

    @Test func loadsConvWeightsIntoOHWI() throws {
        let net = TinyNet()
        let report = try loadTorchStateDict(try Self.torchDict(), into: net)
        #expect(report.loaded == ["conv.weight", "conv.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "fc.weight", "fc.bias"])
        #expect(report.ignored == ["bn.num_batches_tracked"] && report.replaced.isEmpty)
        // OHWI [o=1, h=2, w=0, i=1] is OIHW [1, 1, 2, 0], flat ((1·3+1)·3+2)·3+0 = 42 → 4.2.
        let w = net.conv.weight.value
        #expect(w.shape == [2, 3, 3, 3])
        #expect(w[((1 * 3 + 2) * 3 + 0) * 3 + 1] == Float(42) / 10)
        #expect(net.bn.running_var.value.array == [14, 14.1])
        #expect(net.fc.weight.value.array == (200..<208).map { Float($0) / 10 })
    }

    @Test func loadedNetworkComputesWhatPyTorchComputes() throws {
        let net = TinyNet()
        try loadTorchStateDict(try Self.torchDict(), into: net)
        // Input NCHW x[0, c, h, w] = (16c + 4h + w)/10 − 2, given to the engine as NHWC.
        let x = Tensor(shape: [1, 4, 4, 3])
        for c in 0..<3 { for h in 0..<4 { for w in 0..<4 { x[(h * 4 + w) * 3 + c] = Float(c * 16 + h * 4 + w) / 10 - 2 } } }
        let y = net(x, Context(training: false))
        // PyTorch 2.15, eval mode: Conv2d(3,2,3) → BatchNorm2d(2) → mean over (2,3) → Linear(2,4), with
        // every tensor in torchDict() set to (arange(numel) + start)/10 and x = (arange(48)/10 − 2).reshape(1,3,4,4):
        // m(x).tolist() → [[6467.5849609375, 6531.8623046875, 6596.1396484375, 6660.4169921875]]
        let expected: [Float] = [6467.5849609375, 6531.8623046875, 6596.1396484375, 6660.4169921875]
        for (a, b) in zip(y.array, expected) { #expect(abs(a - b) <= 1e-4 * abs(b), "\(a) vs \(b)") }
    }

    @Test func exportIsTorchLayoutAndOrderWithSameBytes() throws {
        let original = try Self.torchDict()
        let net = TinyNet()
        try loadTorchStateDict(original, into: net)
        let exported = torchStateDict(of: net)
        // PyTorch's order: per module parameters, then buffers (incl. num_batches_tracked).
        #expect(exported.names == original.names)
        #expect(Safetensors.encode(exported) == Safetensors.encode(original))
    }

    @Test func tinyZipLoadsOnceItsExtraTensorsAreDropped() throws {
        let file = try TorchFile.load(try SharedWeights.tinyZip())
        let net = TinyNet()
        let error = thrownError { try loadTorchStateDict(file, into: net) }
        #expect((error as? StateDictMismatch)?.unexpected == ["fc.weight_t", "half"])
        try loadTorchStateDict(try file.renamed { ["fc.weight_t", "half"].contains($0) ? nil : $0 }, into: net)
        // conv.weight in the file is 0.0, 0.1, … (OIHW); fc.bias was stored as float64.
        #expect(net.conv.weight.value[((1 * 3 + 2) * 3 + 0) * 3 + 1] == file["conv.weight"]![42])
        #expect(net.fc.bias!.value.array == file["fc.bias"]!.array)
    }

    @Test func headWithAnotherClassCountKeepsItsInitialisation() throws {
        let net = TinyNet(classes: 3)
        let before = net.fc.weight.value.array
        let report = try loadTorchStateDict(try Self.torchDict(classes: 4), into: net, head: ["fc"])
        #expect(report.replaced == ["fc.weight", "fc.bias"])
        #expect(net.fc.weight.value.array == before)
        #expect(net.conv.bias!.value.array == [10, 10.1])
        // Without naming the head, the class count mismatch is an error naming both shapes.
        let error = thrownError { try loadTorchStateDict(try Self.torchDict(classes: 4), into: TinyNet(classes: 3)) }
        let mismatch = try #require(error as? StateDictMismatch)
        #expect(mismatch.shapeMismatches == [.init(name: "fc.weight", expected: [3, 2], found: [4, 2]),
                                             .init(name: "fc.bias", expected: [3], found: [4])])
        #expect(mismatch.description.contains("fc.weight (network [3, 2], file [4, 2])"))
    }

    @Test func missingAndUnexpectedTensorsAreNamedAndNothingIsCopied() throws {
        let dict = try Self.torchDict().renamed { $0 == "bn.running_var" ? nil : ($0 == "conv.bias" ? "conv.bias_extra" : $0) }
        let net = TinyNet()
        let before = net.conv.weight.value.array
        let error = thrownError { try loadTorchStateDict(dict, into: net) }
        let mismatch = try #require(error as? StateDictMismatch)
        #expect(mismatch.missing == ["conv.bias", "bn.running_var"])
        #expect(mismatch.unexpected == ["conv.bias_extra"])
        #expect(net.conv.weight.value.array == before)
    }

    @Test func oldDenseNetNamesAndDataParallelPrefix() throws {
        #expect(modernDenseNetName("features.denseblock1.denselayer1.norm.1.weight") == "features.denseblock1.denselayer1.norm1.weight")
        #expect(modernDenseNetName("features.denseblock4.denselayer16.conv.2.weight") == "features.denseblock4.denselayer16.conv2.weight")
        #expect(modernDenseNetName("features.denseblock2.denselayer3.norm.2.running_var") == "features.denseblock2.denselayer3.norm2.running_var")
        #expect(modernDenseNetName("features.norm5.weight") == "features.norm5.weight")
        #expect(modernDenseNetName("features.transition1.conv.weight") == "features.transition1.conv.weight")
        let prefixed = try Self.torchDict().renamed { "module." + $0 }
        #expect(try loadTorchStateDict(prefixed, into: TinyNet()).loaded.count == 8)
    }
}

extension StateDict {
    func appending(_ name: String, _ tensor: Tensor, dtype: WeightDType = .float32) throws -> StateDict {
        var copy = self
        try copy.append(name, tensor, dtype: dtype)
        return copy
    }
}
