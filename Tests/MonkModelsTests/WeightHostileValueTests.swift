// Weight files that parse but must not be used (issue 13, items 1, 2, 4, 9, 11): keys that are
// not names, NaN/Inf values, negative running variances, a FIFO or a huge file given as
// weights, a checkpoint with a flipped byte. Each is refused with a message naming the problem.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

@Suite struct WeightHostileValueTests {
    /// `torch.save({5: torch.zeros(4)}, 'x.pth')`: the key is an int. This crashed (signal 11)
    /// on a force-unwrap in `tensorEntries` when built with -Ounchecked.
    @Test func nonStringKeyIsRefusedByValue() {
        var p = PickleBuilder()
        p.op("}"); p.op("(")
        p.int(5); p.tensor(storageClass: "FloatStorage", key: "0", numel: 4, offset: 0, shape: [4], strides: [1])
        p.op("u"); p.stop()
        let zip = makeTorchZip(pickle: p.bytes, storages: [("0", floatBytes([0, 0, 0, 0]))])
        #expect(throws: WeightFileError.unsupported("state dict key 5 is a int, not a tensor name (a string)")) {
            try TorchFile.load(bytes: zip)
        }
        // Mixed: a good entry, then a None key; and a legacy file with a float key.
        var q = PickleBuilder()
        q.op("}"); q.op("(")
        q.string("w"); q.tensor(storageClass: "FloatStorage", key: "0", numel: 4, offset: 0, shape: [4], strides: [1])
        q.op("N"); q.tensor(storageClass: "FloatStorage", key: "0", numel: 4, offset: 0, shape: [4], strides: [1])
        q.op("u"); q.stop()
        #expect(throws: WeightFileError.unsupported("state dict key None is a None, not a tensor name (a string)")) {
            try TorchFile.load(bytes: makeTorchZip(pickle: q.bytes, storages: [("0", floatBytes([0, 0, 0, 0]))]))
        }
    }

    static func tinyDict(_ edit: (inout [String: [Float]]) -> Void) throws -> StateDict {
        let net = TinyNet(classes: 4, seed: 1)
        var values = Dictionary(uniqueKeysWithValues: torchStateDict(of: net).entries.map { ($0.name, $0.tensor.array) })
        edit(&values)
        let source = torchStateDict(of: net)
        return try StateDict(source.entries.map { ($0.name, Tensor(shape: $0.tensor.shape, values: values[$0.name]!)) })
    }

    /// NaN and ±Inf anywhere, or a negative running variance, are refused before anything is
    /// copied into the network (which keeps its previous weights).
    @Test func nonFiniteAndNegativeVarianceAreRefused() throws {
        let dict = try Self.tinyDict { v in
            v["conv.weight"]![3] = .nan
            v["fc.bias"]![0] = .infinity
            v["fc.bias"]![1] = -.infinity
            v["bn.running_var"]![1] = -0.5
        }
        let net = TinyNet(classes: 4, seed: 2)
        let before = net.stateDict().map { $0.1.array }
        #expect(throws: UnusableWeights(nonFinite: [("conv.weight", 1), ("fc.bias", 2)], negativeVariance: [("bn.running_var", 1)])) {
            try loadTorchStateDict(dict, into: net)
        }
        #expect(net.stateDict().map { $0.1.array } == before)
        let message = UnusableWeights(nonFinite: [("conv.weight", 1)], negativeVariance: []).description
        #expect(message == "refusing the weights: NaN or infinite values in conv.weight (1) — they would make every output NaN (a diverged training run or a damaged file)")
        // The untouched file loads.
        try loadTorchStateDict(try Self.tinyDict { _ in }, into: net)
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("monk-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// A FIFO as a weights file is refused by kind (it used to block `open` forever); a
    /// directory says so instead of "NSCocoaErrorDomain error 256".
    @Test(.timeLimit(.minutes(1))) func specialFilesAreRefusedByKind() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("x.pth")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        #expect(throws: WeightFileError.io(path: fifo.path, reason: "is a FIFO (named pipe), not a regular file")) {
            try PretrainedWeights.loadStateDict(fifo)
        }
        #expect(throws: WeightFileError.io(path: dir.path, reason: "is a folder, not a weights file")) {
            try PretrainedWeights.loadStateDict(dir)
        }
        #expect(throws: WeightFileError.io(path: "/dev/zero", reason: "is a device, not a regular file")) {
            try PretrainedWeights.loadStateDict(URL(fileURLWithPath: "/dev/zero"))
        }
    }

    /// A 5 GB (sparse) weights file is refused from its size before anything is read.
    @Test(.timeLimit(.minutes(1))) func hugeWeightsFileIsRefusedBySize() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("huge.pth")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 5_000_000_000)
        try handle.close()
        #expect(throws: WeightFileError.limitExceeded("\(url.path) is 5.0 GB (5,000,000,000 bytes), more than the 4.0 GB (4,000,000,000 bytes) a weights file may be")) {
            try PretrainedWeights.loadStateDict(url)
        }
    }

    /// One flipped byte in `best.safetensors` keeps the size but not the checksum the sidecar
    /// recorded: refused, naming the file (it used to be tested and reported).
    @Test func flippedByteInACheckpointIsRefused() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("best.safetensors")
        let info = CheckpointInfo(model: "tiny", classes: ["a", "b", "c", "d"], inputSize: 32, mean: [0.5], std: [0.5])
        let saved = try ModelCheckpoint.save(torchStateDict(of: TinyNet()), info: info, to: url)
        #expect(saved.weightsChecksum?.count == 16)
        _ = try ModelCheckpoint.load(url)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 5] ^= 0x10  // inside the last tensor's floats: still valid safetensors
        try bytes.write(to: url)
        #expect(throws: CheckpointError.self) { try ModelCheckpoint.load(url) }
        do { _ = try ModelCheckpoint.load(url) } catch {
            #expect("\(error)".hasPrefix("checkpoint weights \(url.path) are damaged: their checksum is "), "\(error)")
        }
    }
}
