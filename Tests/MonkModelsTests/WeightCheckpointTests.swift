// monkpipe checkpoints (safetensors + JSON sidecar) and the lookup of pretrained files in
// torch's hub cache.
import Foundation
import Testing
import MonkVocabulary
import MonkEngine
@testable import MonkModels

@Suite struct WeightCheckpointTests {
    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("monk-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let info = CheckpointInfo(model: "tiny", classes: ["NORMAL", "PNEUMONIA"], inputSize: 224,
                                     mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], metadata: ["epoch": "4"])

    @Test func savesAndLoadsWeightsAndSidecar() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let net = TinyNet(classes: 2, seed: 3)
        let url = dir.appendingPathComponent("best.safetensors")
        let saved = try ModelCheckpoint.save(torchStateDict(of: net), info: Self.info, to: url)
        #expect(saved.weightsFile == "best.safetensors")
        #expect(saved.weightsBytes == (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int))
        // Only the two files remain: temporary files were renamed into place.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["best.json", "best.safetensors"])

        let (info, weights) = try ModelCheckpoint.load(url)
        #expect(info == saved)
        let copy = TinyNet(classes: 2, seed: 99)
        try loadTorchStateDict(weights, into: copy)
        for ((name, a), (_, b)) in zip(net.stateDict(), copy.stateDict()) {
            #expect(a.array == b.array, "\(name)")
        }
        // The weights carry the model name for tools that read safetensors alone.
        #expect(try Safetensors.load(url).metadata == ["format": "pt", "monkpipe.model": "tiny"])
    }

    @Test func sidecarAndWeightsMustBelongTogether() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("final.safetensors")
        let saved = try ModelCheckpoint.save(torchStateDict(of: TinyNet()), info: Self.info, to: url)
        // Replace the weights by a different (smaller) file under the same name.
        try Safetensors.save(try StateDict([("x", Tensor(shape: [1]))]), to: url)
        let small = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        #expect(throws: CheckpointError.weightsChanged(file: url.path, expectedBytes: saved.weightsBytes, foundBytes: small)) {
            try ModelCheckpoint.load(url)
        }
        // No sidecar at all.
        try FileManager.default.removeItem(at: ModelCheckpoint.sidecarURL(for: url))
        #expect(throws: WeightFileError.self) { try ModelCheckpoint.load(url) }
    }

    @Test func nonsensicalInfoIsRefusedBeforeWriting() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var bad = Self.info
        bad.std = [0.2, 0, 0.2]
        #expect(throws: CheckpointError.invalid("std must be positive and finite, mean finite")) {
            try ModelCheckpoint.save(StateDict(), info: bad, to: dir.appendingPathComponent("x.safetensors"))
        }
        bad = Self.info
        bad.classes = ["a", "a"]
        #expect(throws: CheckpointError.self) { try bad.validate() }
        bad = Self.info
        bad.mean = [0.5]
        #expect(throws: CheckpointError.self) { try bad.validate() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    @Test func pretrainedFilesAreFoundInTorchsHubCache() throws {
        let home = try Self.temporaryDirectory(), torchHome = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home); try? FileManager.default.removeItem(at: torchHome) }
        let homeHub = home.appendingPathComponent(".cache/torch/hub/checkpoints")
        let torchHub = torchHome.appendingPathComponent("hub/checkpoints")
        for dir in [homeHub, torchHub] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        try Data([1]).write(to: homeHub.appendingPathComponent("resnet18-f37072fd.pth"))
        try Data([1]).write(to: torchHub.appendingPathComponent("resnet18-f37072fd.pth"))
        try Data([1]).write(to: homeHub.appendingPathComponent("densenet121-a639ec97.pth"))
        let env = ["HOME": home.path, "TORCH_HOME": torchHome.path]
        // $TORCH_HOME wins; ~/.cache is the fallback.
        #expect(try PretrainedWeights.locate(.resnet18_v1, environment: env).path == torchHub.appendingPathComponent("resnet18-f37072fd.pth").path)
        #expect(try PretrainedWeights.locate(.densenet121, environment: env).path == homeHub.appendingPathComponent("densenet121-a639ec97.pth").path)

        let error = thrownError { _ = try PretrainedWeights.locate(.mobilenet_v2, environment: env) }
        let notFound = try #require(error as? PretrainedWeightsNotFound)
        // torchvision's folders, then Gluon's (mobilenet_v2 has a file in each).
        #expect(notFound.searched == [torchHub.path, homeHub.path, home.appendingPathComponent(".mxnet/models").path])
        #expect(notFound.description.hasPrefix("no pretrained weights for mobilenet_v2: put mobilenet_v2-b0353104.pth into \(torchHub.path)"))
        #expect(notFound.description.contains("https://download.pytorch.org/models/mobilenet_v2-b0353104.pth"))
        #expect(thrownError { _ = try PretrainedWeights.locate(.resnet18_v1, environment: [:]) } is PretrainedWeightsNotFound)
    }

    @Test func anyWeightFileIsRecognisedByContent() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pth = try PretrainedWeights.loadStateDict(try SharedWeights.tinyZip())
        // The same tensors as safetensors under a misleading extension.
        let url = dir.appendingPathComponent("weights.bin")
        try Safetensors.save(pth, to: url)
        let st = try PretrainedWeights.loadStateDict(url)
        #expect(Set(st.names) == Set(pth.names))
        #expect(st["conv.weight"]!.array == pth["conv.weight"]!.array)
    }
}
