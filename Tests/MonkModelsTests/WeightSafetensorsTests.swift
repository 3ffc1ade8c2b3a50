// safetensors: exact bytes of a hand-laid-out file, bit-exact round trips, and every layout
// error the format's validation must catch.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

@Suite struct WeightSafetensorsTests {
    /// A safetensors file from a header string and data bytes.
    static func file(_ header: String, _ data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return le(UInt64(h.count)) + h + data
    }

    @Test func encodesTheDocumentedLayout() throws {
        var dict = StateDict()
        try dict.append("a", Tensor(shape: [2], values: [1, -2]))
        try dict.append("n", Tensor(shape: []), dtype: .int64)
        let bytes = Safetensors.encode(dict, metadata: ["format": "pt"])
        // Written out by hand from the format description: int64 (8-byte elements) first,
        // then float32; header padded with spaces to a multiple of 8 (138 → 144 bytes).
        let header = #"{"__metadata__":{"format":"pt"},"n":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#
        let padded = header + String(repeating: " ", count: (8 - header.utf8.count % 8) % 8)
        #expect(bytes == Self.file(padded, le(Int64(0)) + floatBytes([1, -2])))
        #expect(padded.utf8.count % 8 == 0)
    }

    @Test func roundTripKeepsEveryBit() throws {
        // Specials included: −0, ±inf, a NaN with a payload, the smallest subnormal.
        let specials: [Float] = [-0.0, .infinity, -.infinity, Float(bitPattern: 0x7fc1_2345), Float(bitPattern: 1), .greatestFiniteMagnitude]
        var rng = RNG(seed: 11)
        let random = (0..<1000).map { _ in rng.uniform(-3, 3) }
        var dict = StateDict()
        try dict.append("conv.weight", Tensor(shape: [2, 3, 1, 1], values: Array(random.prefix(6))))
        try dict.append("specials", Tensor(shape: [6], values: specials))
        try dict.append("big", Tensor(shape: [10, 100], values: random))
        try dict.append("bn.num_batches_tracked", Tensor(shape: [], values: [12345]), dtype: .int64)
        try dict.append("half", Tensor(shape: [3], values: [0.5, -65504, 0.000061035156]), dtype: .float16)  // exact in fp16
        try dict.append("quoted \"name\"\n", Tensor(shape: [0]))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("weights-roundtrip-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.save(dict, metadata: ["epoch": "3", "note": "ünïcode"], to: url)
        let (loaded, metadata) = try Safetensors.load(url)
        #expect(metadata == ["epoch": "3", "note": "ünïcode"])
        #expect(Set(loaded.names) == Set(dict.names))
        for e in dict.entries {
            let back = try #require(loaded.entry(e.name))
            #expect(back.dtype == e.dtype && back.tensor.shape == e.tensor.shape, "\(e.name)")
            #expect(back.tensor.array.map(\.bitPattern) == e.tensor.array.map(\.bitPattern), "\(e.name)")
        }
        // Writing what was read gives the same file.
        #expect(Safetensors.encode(loaded, metadata: metadata) == Array(try Data(contentsOf: url)))
    }

    @Test func layoutErrorsAreCaught() {
        let data = floatBytes([1, 2, 3, 4])
        let cases: [(String, [UInt8], String)] = [
            ("overlap", Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data), "overlaps"),
            ("out of range", Self.file(#"{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]}}"#, data), "truncated"),
            ("size mismatch", Self.file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#, data), "needs 12"),
            ("gap", Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, data), "gap"),
            ("trailing bytes", Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data), "after the last tensor"),
            ("absurd shape", Self.file(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#, data), "absurd shape"),
            ("negative dim", Self.file(#"{"a":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}}"#, data), "shape"),
            ("unknown dtype", Self.file(#"{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}"#, data), "dtype F128"),
            ("not JSON", Self.file("{nope", data), "JSON"),
            ("huge header length", le(UInt64(1) << 62) + data, "header of"),
            ("header past the end", le(UInt64(1000)) + data, "truncated"),
            ("empty", [], "truncated"),
        ]
        for (what, bytes, expected) in cases {
            let error = thrownError { _ = try Safetensors.load(bytes: bytes) }
            #expect(error is WeightFileError, "\(what)")
            #expect(String(describing: error ?? WeightFileError.malformed("none")).contains(expected), "\(what): \(String(describing: error))")
        }
    }
}
