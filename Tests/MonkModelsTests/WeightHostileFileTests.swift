// Corrupt and hostile .pth files, generated here: each must end in a WeightFileError that says
// what is wrong — never a crash, a hang, or an allocation sized by the attacker.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

@Suite struct WeightHostileFileTests {
    /// A valid one-tensor zip .pth, the base most attacks modify.
    static func validZip(shape: [Int] = [2], strides: [Int] = [1], numel: Int = 2, offset: Int = 0, data: [UInt8] = floatBytes([1, 2])) -> [UInt8] {
        let pickle = PickleBuilder.stateDict([("w", { $0.tensor(storageClass: "FloatStorage", key: "0", numel: numel, offset: offset, shape: shape, strides: strides) })])
        return makeTorchZip(pickle: pickle, storages: [("0", data)])
    }

    @Test func baseFileIsValid() throws {
        #expect(try TorchFile.load(bytes: Self.validZip())["w"]!.array == [1, 2])
    }

    @Test func everyTruncationOfTheTinyZipFails() throws {
        let bytes = Array(try Data(contentsOf: try SharedWeights.tinyZip()))
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: WeightFileError.self, "length \(length)") { try TorchFile.load(bytes: Array(bytes[..<length])) }
        }
    }

    @Test func truncatedLegacyFileNamesTheMissingStorage() throws {
        var bytes = Array(try Data(contentsOf: try SharedWeights.efficientNet()))
        bytes.removeLast(1000)
        let error = thrownError { _ = try TorchFile.load(bytes: bytes) }
        guard case .truncated(let what, _, _)? = error as? WeightFileError else { Issue.record("got \(String(describing: error))"); return }
        #expect(what.contains("storage"))
        // Cut inside the pickle too.
        #expect(throws: WeightFileError.self) { try TorchFile.load(bytes: Array(bytes[..<20000])) }
    }

    @Test func wrongMagicIsNotAPyTorchFile() {
        for bytes in [[UInt8](), Array("hello, world".utf8), [0x80, 0x02, 0x8a, 0x0a] + [UInt8](repeating: 0, count: 20)] {
            #expect(throws: WeightFileError.malformed("not a PyTorch file (neither a zip archive nor the legacy pickle magic number)")) {
                try TorchFile.load(bytes: bytes)
            }
        }
    }

    @Test func unknownGlobalIsRefusedByName() {
        // The classic payload: os.system("echo pwned") via REDUCE.
        var p = PickleBuilder()
        p.global("os", "system"); p.string("echo pwned"); p.raw([0x85]); p.op("R"); p.stop()
        #expect(throws: WeightFileError.forbiddenGlobal(module: "os", name: "system")) {
            try TorchFile.load(bytes: makeTorchZip(pickle: p.bytes, storages: []))
        }
        #expect(throws: WeightFileError.forbiddenGlobal(module: "os", name: "system")) {
            try TorchFile.load(bytes: makeLegacyTorch(pickle: p.bytes, storages: []))
        }
        // STACK_GLOBAL (protocol 4) is checked the same way.
        var q = PickleBuilder()
        q.string("builtins"); q.string("eval"); q.raw([0x93]); q.stop()
        #expect(throws: WeightFileError.forbiddenGlobal(module: "builtins", name: "eval")) {
            try TorchFile.load(bytes: makeTorchZip(pickle: q.bytes, storages: []))
        }
        let message = WeightFileError.forbiddenGlobal(module: "os", name: "system").description
        #expect(message.contains("os.system") && message.contains("nothing was executed"))
    }

    @Test func unknownOpcodeIsRefused() {
        var p = PickleBuilder()
        p.raw([0x69])  // INST: imports and calls a class, never needed by state dicts
        let file = makeTorchZip(pickle: p.bytes, storages: [])
        // The offset is the byte in the file: the pickle starts after the local header (30 bytes + name).
        #expect(throws: WeightFileError.unknownOpcode(code: 0x69, offset: 30 + "archive/data.pkl".count + 2)) {
            try TorchFile.load(bytes: file)
        }
    }

    @Test func compressedZipEntryIsRefused() {
        let pickle = PickleBuilder.stateDict([])
        let error = thrownError { _ = try TorchFile.load(bytes: makeTorchZip(pickle: pickle, storages: [], method: 8)) }
        guard case .unsupported(let why)? = error as? WeightFileError else { Issue.record("got \(String(describing: error))"); return }
        #expect(why.contains("compressed (method 8)"))
    }

    @Test func hugeDeclaredSizesAllocateNothing() {
        // Shape whose element count overflows Int.
        #expect(throws: WeightFileError.self) { try TorchFile.load(bytes: Self.validZip(shape: [1 << 40, 1 << 40], strides: [1 << 40, 1])) }
        // A billion elements from an 8-byte storage.
        #expect(throws: WeightFileError.self) { try TorchFile.load(bytes: Self.validZip(shape: [1_000_000_000], numel: 1_000_000_000)) }
        // Stride 0 "expands" two stored floats into a billion.
        #expect(throws: WeightFileError.self) { try TorchFile.load(bytes: Self.validZip(shape: [1_000_000_000], strides: [0])) }
        // Offset far past the storage.
        #expect(throws: WeightFileError.self) { try TorchFile.load(bytes: Self.validZip(offset: 1 << 50)) }
        // A string claiming 4 GB, a LONG claiming 2 GB of digits.
        var s = PickleBuilder(); s.raw([0x58, 0xf0, 0xff, 0xff, 0xff])
        #expect(throws: WeightFileError.truncated(what: "string", needed: 0xffff_fff0, available: 0)) {
            try TorchFile.load(bytes: makeTorchZip(pickle: s.bytes, storages: []))
        }
        var l = PickleBuilder(); l.raw([0x8b, 0xff, 0xff, 0xff, 0x7f])
        #expect(throws: WeightFileError.limitExceeded("pickle integer of 2147483647 bytes")) {
            try TorchFile.load(bytes: makeTorchZip(pickle: l.bytes, storages: []))
        }
        // A legacy storage declaring 2^61 elements.
        let pickle = PickleBuilder.stateDict([("w", { $0.tensor(storageClass: "FloatStorage", key: "0", numel: 2, offset: 0, shape: [2], strides: [1], legacy: true) })])
        #expect(throws: WeightFileError.self) {
            try TorchFile.load(bytes: makeLegacyTorch(pickle: pickle, storages: [("0", 1 << 61, floatBytes([1, 2]))]))
        }
        // A zip directory declaring 65535 entries in a few bytes.
        var zip = Self.validZip()
        let end = zip.count - 22
        zip[end + 8] = 0xff; zip[end + 9] = 0xff; zip[end + 10] = 0xfe; zip[end + 11] = 0xff
        #expect(throws: WeightFileError.self) { try TorchFile.load(bytes: zip) }
    }

    @Test func manyTensorsSharingOneStorageAreBounded() {
        // 2,000 tensors viewing the same 16 KiB storage would materialise 8 M floats (32 MB)
        // from a ~150 KB file.
        let items: [(String, (inout PickleBuilder) -> Void)] = (0..<2000).map { i in
            ("t\(i)", { $0.tensor(storageClass: "FloatStorage", key: "0", numel: 4096, offset: 0, shape: [4096], strides: [1]) })
        }
        let file = makeTorchZip(pickle: PickleBuilder.stateDict(items), storages: [("0", [UInt8](repeating: 0, count: 4 * 4096))])
        let error = thrownError { _ = try TorchFile.load(bytes: file) }
        guard case .limitExceeded(let why)? = error as? WeightFileError else { Issue.record("got \(String(describing: error))"); return }
        #expect(why.contains("would hold more elements than a \(file.count)-byte file can store"))
        // Real sharing (a handful of views of one storage) still loads: see fc.weight_t in the tiny zip.
    }

    @Test func storageEntryShorterThanDeclaredIsTruncated() {
        let error = thrownError { _ = try TorchFile.load(bytes: Self.validZip(data: floatBytes([1]))) }
        guard case .truncated(let what, let needed, let available)? = error as? WeightFileError else { Issue.record("got \(String(describing: error))"); return }
        #expect(what == "storage 0" && needed == 8 && available == 4)
    }

    @Test func deepNestingAndCopyBombsHitLimits() {
        // 10,000 nested one-element tuples would overflow the stack when freed.
        var deep = PickleBuilder()
        deep.op("N")
        for _ in 0..<10_000 { deep.raw([0x85]) }
        deep.stop()
        #expect(throws: WeightFileError.limitExceeded("pickle containers nested deeper than 64")) {
            try TorchFile.load(bytes: makeTorchZip(pickle: deep.bytes, storages: []))
        }
        // A 1,000-item list copied by BINGET + APPEND 2,000 times (each copy is a new list);
        // with a budget of 100,000 elements the reader stops after ~100 copies.
        var bomb = PickleBuilder()
        bomb.op("]"); bomb.op("("); for _ in 0..<1000 { bomb.op("N") }; bomb.op("e"); bomb.raw([0x71, 0])
        for _ in 0..<2000 { bomb.raw([0x68, 0]); bomb.op("N"); bomb.op("a") }
        bomb.stop()
        var reader = PickleReader(bytes: bomb.bytes, limits: PickleLimits(maxContainerWork: 100_000)) { $0 }
        #expect(throws: WeightFileError.limitExceeded("pickle builds more than 100000 container elements")) { try reader.read() }
    }

    @Test func malformedPicklesAreErrors() {
        // STOP with an empty stack, APPEND on a non-list, BINGET of an unset slot, REDUCE of a
        // storage class, a persistent id that is not a storage tuple.
        let programs: [[UInt8]] = [
            [0x80, 0x02, 0x2e],
            [0x80, 0x02, 0x4e, 0x4e, 0x61, 0x2e],
            [0x80, 0x02, 0x68, 0x05, 0x2e],
            Array("\u{80}\u{02}ctorch\nFloatStorage\n)R.".unicodeScalars.map { UInt8($0.value) }),
            [0x80, 0x02, 0x4e, 0x51, 0x2e],
        ]
        for program in programs {
            #expect(throws: WeightFileError.self, "\(program)") { try TorchFile.load(bytes: makeTorchZip(pickle: program, storages: [])) }
        }
        // A pickle that is valid but not a state dict.
        var list = PickleBuilder(); list.op("]"); list.stop()
        #expect(throws: WeightFileError.unsupported("the file holds a list, not a state dict")) {
            try TorchFile.load(bytes: makeTorchZip(pickle: list.bytes, storages: []))
        }
    }
}
