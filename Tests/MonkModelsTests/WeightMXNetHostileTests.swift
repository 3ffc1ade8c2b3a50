// Damaged and hostile MXNet .params files: each ends in a named WeightFileError — never a
// crash, a hang, or an allocation sized by the file's claims.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

/// Writes NDArray list files field by field, as MXNet's `NDArray::Save` lays them out.
struct ParamsBuilder {
    var bytes: [UInt8] = []
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }

    mutating func header(count: UInt64) { u64(0x112); u64(0); u64(count) }
    /// A V2 dense float32 array.
    mutating func array(_ shape: [Int64], _ values: [Float], dtype: Int32 = 0, storage: Int32 = 0) {
        u32(0xF993_FAC9); i32(storage); i32(Int32(shape.count)); shape.forEach { i64($0) }
        i32(1); i32(0); i32(dtype)
        values.forEach { u32($0.bitPattern) }
    }
    mutating func names(_ names: [String]) {
        u64(UInt64(names.count))
        for n in names { u64(UInt64(n.utf8.count)); bytes += Array(n.utf8) }
    }

    static func valid() -> [UInt8] {
        var b = ParamsBuilder()
        b.header(count: 2)
        b.array([2, 2], [1, 2, 3, 4])
        b.array([3], [5, 6, 7])
        b.names(["arg:w", "aux:m"])
        return b.bytes
    }
}

@Suite struct WeightMXNetHostileTests {
    @Test func validFileReads() throws {
        let dict = try MXNetParams.load(bytes: ParamsBuilder.valid())
        #expect(dict.names == ["arg:w", "aux:m"])
        #expect(dict["arg:w"]?.shape == [2, 2] && dict["arg:w"]?.array == [1, 2, 3, 4])
        #expect(dict["aux:m"]?.array == [5, 6, 7])
    }

    @Test func everyTruncationFails() throws {
        let url = try GluonFixtures.url("resnet18_v1-prefixed.params")
        let whole = Array(try Data(contentsOf: url))
        #expect(try MXNetParams.load(bytes: whole).count > 0)
        for length in stride(from: 0, to: whole.count, by: 97) {
            #expect(throws: WeightFileError.self, "length \(length)") { try MXNetParams.load(bytes: Array(whole[..<length])) }
        }
        for bytes in [ParamsBuilder.valid()] {
            for length in 0..<bytes.count {
                #expect(throws: WeightFileError.self, "length \(length)") { try MXNetParams.load(bytes: Array(bytes[..<length])) }
            }
        }
    }

    @Test func hugeArrayCountIsRefusedBeforeAllocating() {
        var b = ParamsBuilder()
        b.header(count: UInt64(Int.max))
        #expect(throws: WeightFileError.limitExceeded("the file declares \(Int.max) arrays in 0 bytes")) {
            try MXNetParams.load(bytes: b.bytes)
        }
    }

    @Test func hugeShapeIsBoundedByTheFile() {
        // 2^20 × 2^20 floats = 4 TB declared, 8 bytes present.
        var b = ParamsBuilder()
        b.header(count: 1)
        b.array([1 << 20, 1 << 20], [1, 2])
        let error = thrownError { _ = try MXNetParams.load(bytes: b.bytes) }
        guard case .truncated(let what, let needed, let available)? = error as? WeightFileError else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(what.contains("array 0 data") && needed == (1 << 42) && available == 8)
        // Overflowing products are named too.
        var c = ParamsBuilder()
        c.header(count: 1)
        c.array([1 << 40, 1 << 40], [])
        #expect(throws: WeightFileError.limitExceeded("array 0 has absurd shape [1099511627776, 1099511627776]")) {
            try MXNetParams.load(bytes: c.bytes)
        }
    }

    @Test func badFieldsAreNamed() {
        func load(_ edit: (inout ParamsBuilder) -> Void) -> Error? {
            var b = ParamsBuilder()
            edit(&b)
            return thrownError { _ = try MXNetParams.load(bytes: b.bytes) }
        }
        let rank = load { b in b.header(count: 1); b.u32(0xF993_FAC9); b.i32(0); b.i32(40) }
        #expect(rank as? WeightFileError == .limitExceeded("array 0 has rank 40"))
        let negative = load { b in b.header(count: 1); b.array([-3], []) }
        #expect(negative as? WeightFileError == .malformed("array 0 has dimension -3"))
        let sparse = load { b in b.header(count: 1); b.array([2], [1, 2], storage: 2) }
        #expect(sparse as? WeightFileError == .unsupported("array 0 is a sparse array (storage type 2)"))
        let dtype = load { b in b.header(count: 1); b.array([1], [1], dtype: 12) }
        #expect("\(dtype.map { "\($0)" } ?? "")".contains("dtype 12"))
        let noNames = load { b in b.header(count: 1); b.array([1], [1]); b.names([]) }
        #expect(noNames as? WeightFileError == .unsupported("the .params file stores 1 arrays without names"))
        let fewerNames = load { b in b.header(count: 2); b.array([1], [1]); b.array([1], [2]); b.names(["a"]) }
        #expect(fewerNames as? WeightFileError == .malformed("2 arrays but 1 names"))
        let longName = load { b in b.header(count: 1); b.array([1], [1]); b.u64(1); b.u64(1 << 40) }
        #expect(longName as? WeightFileError == .limitExceeded("name 0 is \(1 << 40) bytes long"))
        let twice = load { b in b.header(count: 2); b.array([1], [1]); b.array([1], [2]); b.names(["a", "a"]) }
        #expect(twice as? WeightFileError == .malformed("tensor \"a\" appears twice"))
        let trailing = load { b in b.header(count: 1); b.array([1], [1]); b.names(["a"]); b.u32(7) }
        #expect(trailing as? WeightFileError == .malformed("4 bytes after the last name"))
        let notUTF8 = load { b in b.header(count: 1); b.array([1], [1]); b.u64(1); b.u64(2); b.bytes += [0xff, 0xfe] }
        #expect(notUTF8 as? WeightFileError == .malformed("name 0 is not UTF-8"))
    }

    @Test func noneArrayIsNamed() {
        var b = ParamsBuilder()
        b.header(count: 1)
        b.u32(0xF993_FAC9); b.i32(0); b.i32(0)   // V2 "none": empty shape, nothing else
        b.names(["w"])
        #expect(throws: WeightFileError.malformed("\"w\" is an array without a shape (never initialised)")) {
            try MXNetParams.load(bytes: b.bytes)
        }
    }

    /// Pre-V1 arrays (no magic: rank and 32-bit dimensions) still read.
    @Test func legacyArrayReads() throws {
        var b = ParamsBuilder()
        b.header(count: 1)
        b.u32(2); b.u32(1); b.u32(2); b.i32(1); b.i32(0); b.i32(0)
        b.u32(Float(1.5).bitPattern); b.u32(Float(-2).bitPattern)
        b.names(["w"])
        #expect(try MXNetParams.load(bytes: b.bytes)["w"]?.array == [1.5, -2])
    }

    @Test func recognisedByContent() throws {
        guard case .gluon = try WeightsFile.read(bytes: ParamsBuilder.valid()) else { Issue.record("not Gluon"); return }
        #expect(!MXNetParams.looksLikeParams(Array("PK\u{3}\u{4}".utf8)))
    }
}
