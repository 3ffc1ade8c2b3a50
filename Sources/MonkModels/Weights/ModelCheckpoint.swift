// monkpipe's model checkpoint: weights as safetensors in PyTorch layout plus a JSON sidecar
// saying how to use them (model, classes, input size, normalisation), so a trained model is
// usable outside monkpipe.
import Foundation
import MonkEngine

/// The sidecar of a checkpoint, `<name>.json` next to `<name>.safetensors`.
public struct CheckpointInfo: Codable, Sendable, Equatable {
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// The network's name as monkpipe knows it ("resnet18_v1").
    public var model: String
    /// Class names in output order.
    public var classes: [String]
    /// Side of the square input image, in pixels.
    public var inputSize: Int
    /// Per-channel normalisation applied to pixels in [0, 1]: `(x − mean) / std`.
    public var mean: [Float]
    public var std: [Float]
    /// Free-form facts (epoch, validation accuracy, the run that produced it).
    public var metadata: [String: String]
    /// Filled in by `ModelCheckpoint.save`: the weights file's name and size, so that a sidecar
    /// cannot silently describe other weights.
    public var weightsFile: String
    public var weightsBytes: Int
    /// `Checksum64` of the weights file (16 hex digits), checked on every load so that a
    /// damaged checkpoint is refused instead of evaluated. Absent in checkpoints written
    /// before it existed (their size is still checked).
    public var weightsChecksum: String?
    /// The experiment's evaluation preprocessing; absent in checkpoints written before it was
    /// recorded (then images are resized to `inputSize` and normalised with `mean`/`std`).
    public var input: CheckpointInput?
    /// The decision the experiment's test stage applied with these weights; absent until a
    /// test stage has evaluated them, and for more than two classes (most probable class).
    public var decision: CheckpointDecision?

    public init(model: String, classes: [String], inputSize: Int, mean: [Float], std: [Float], metadata: [String: String] = [:]) {
        self.formatVersion = CheckpointInfo.currentFormatVersion
        self.model = model
        self.classes = classes
        self.inputSize = inputSize
        self.mean = mean
        self.std = std
        self.metadata = metadata
        self.weightsFile = ""
        self.weightsBytes = 0
    }

    /// Throws `CheckpointError.invalid` naming the first field that makes no sense.
    public func validate() throws {
        func fail(_ why: String) -> CheckpointError { .invalid(why) }
        guard formatVersion == CheckpointInfo.currentFormatVersion else { throw fail("format version \(formatVersion), this monkpipe reads \(CheckpointInfo.currentFormatVersion)") }
        guard !model.isEmpty else { throw fail("empty model name") }
        guard !classes.isEmpty, !classes.contains(where: \.isEmpty) else { throw fail("class names must be non-empty") }
        guard Set(classes).count == classes.count else { throw fail("class names repeat: \(classes)") }
        guard (1...8192).contains(inputSize) else { throw fail("input size \(inputSize)") }
        guard [1, 3].contains(mean.count), std.count == mean.count else { throw fail("mean \(mean) and std \(std) need 1 or 3 values each") }
        guard mean.allSatisfy(\.isFinite), std.allSatisfy({ $0.isFinite && $0 > 0 }) else { throw fail("std must be positive and finite, mean finite") }
        try input?.validate()
        try decision?.validate(classes: classes)
    }
}

/// Why a checkpoint could not be used.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case weightsChanged(file: String, expectedBytes: Int, foundBytes: Int)
    /// The weights file has the recorded size but not the recorded checksum: bytes changed.
    case damaged(file: String, expected: String, found: String)

    public var description: String {
        switch self {
        case let .invalid(why): return "invalid checkpoint: \(why)"
        case let .weightsChanged(file, expected, found):
            return "checkpoint weights \(file) are \(found) bytes, the sidecar describes \(expected): the two files do not belong together"
        case let .damaged(file, expected, found):
            return "checkpoint weights \(file) are damaged: their checksum is \(found), the sidecar recorded \(expected) when they were written"
        }
    }
}

public enum ModelCheckpoint {
    /// The sidecar's location for a weights file: `x.safetensors` → `x.json`.
    public static func sidecarURL(for weights: URL) -> URL {
        weights.deletingPathExtension().appendingPathExtension("json")
    }

    /// Writes the weights, then the sidecar, each atomically. The sidecar is written last, so
    /// a sidecar always describes a complete weights file.
    @discardableResult
    public static func save(_ weights: StateDict, info: CheckpointInfo, to url: URL) throws -> CheckpointInfo {
        var info = info
        try info.validate()
        let bytes = Safetensors.encode(weights, metadata: ["format": "pt", "monkpipe.model": info.model])
        try writeAtomically(bytes, to: url)
        info.weightsFile = url.lastPathComponent
        info.weightsBytes = bytes.count
        info.weightsChecksum = Checksum64.hex(Checksum64.of(bytes))
        try writeSidecar(info, to: sidecarURL(for: url))
        return info
    }

    /// Sets `changes` in the metadata of the sidecar at `sidecar` (rewritten atomically); the
    /// weights file is untouched. For a checkpoint copied to a new owner (a renamed experiment).
    public static func updateMetadata(sidecar: URL, _ changes: [String: String]) throws {
        try update(sidecar: sidecar) { $0.metadata.merge(changes) { _, new in new } }
    }

    /// Records the decision a test stage applied with the weights beside `sidecar`, and the
    /// evaluation input if the sidecar lacks it (written before it was recorded), so the
    /// checkpoint alone decides as its experiment did (rewritten atomically, weights untouched).
    public static func recordDecision(sidecar: URL, _ decision: CheckpointDecision?, input: CheckpointInput) throws {
        try update(sidecar: sidecar) {
            $0.decision = decision
            if $0.input == nil { $0.input = input }
        }
    }

    private static func update(sidecar: URL, _ change: (inout CheckpointInfo) -> Void) throws {
        var info = try readSidecar(sidecar)
        change(&info)
        try info.validate()
        try writeSidecar(info, to: sidecar)
    }

    /// The sidecar's JSON; unreadable files keep their own error, bad JSON says which file.
    private static func readSidecar(_ sidecar: URL) throws -> CheckpointInfo {
        do {
            // A sidecar is a few hundred bytes of JSON; a megabyte is generous.
            return try JSONDecoder().decode(CheckpointInfo.self, from: Data(try readWholeFile(sidecar, maxBytes: 1 << 20)))
        } catch let error as WeightFileError {
            throw error
        } catch {
            throw CheckpointError.invalid("\(sidecar.path): \(FileSystemError.reason(error))")
        }
    }

    private static func writeSidecar(_ info: CheckpointInfo, to sidecar: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(Array(try encoder.encode(info)), to: sidecar)
    }

    /// Reads and validates a checkpoint written by `save`.
    public static func load(_ url: URL) throws -> (info: CheckpointInfo, weights: StateDict) {
        let info = try readSidecar(sidecarURL(for: url))
        try info.validate()
        guard info.weightsFile == url.lastPathComponent else {
            throw CheckpointError.invalid("sidecar describes \(info.weightsFile), not \(url.lastPathComponent)")
        }
        let bytes = try readWholeFile(url)
        guard bytes.count == info.weightsBytes else {
            throw CheckpointError.weightsChanged(file: url.path, expectedBytes: info.weightsBytes, foundBytes: bytes.count)
        }
        if let recorded = info.weightsChecksum {
            let found = Checksum64.hex(Checksum64.of(bytes))
            guard found == recorded else { throw CheckpointError.damaged(file: url.path, expected: recorded, found: found) }
        }
        return (info, try Safetensors.load(bytes: bytes).tensors)
    }
}
