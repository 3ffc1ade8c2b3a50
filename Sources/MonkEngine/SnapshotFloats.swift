// Float arrays that survive Codable bit for bit: base64 of little-endian bytes in plain JSON,
// or a reference into the raw blob section when written through `SnapshotArchive`.
import Foundation

/// A float32 array that encodes exactly (every bit, NaN payloads included) and compactly.
///
/// Plain encoders (JSONEncoder) get a base64 string of the little-endian bytes: 4 bytes of
/// data become ~5.3 characters instead of the ~12 of a decimal float, and nothing is lost to
/// decimal rounding. Through `SnapshotArchive` the bytes go to a raw section after a small
/// JSON header instead, so a 25 M-parameter checkpoint is ~100 MB of floats plus a few KB.
public struct PackedFloats: Codable, Equatable, Sendable {
    public var values: [Float]

    public init(_ values: [Float]) { self.values = values }

    public init(_ tensor: Tensor) { self.values = tensor.array }

    public init(zeros count: Int) { self.values = [Float](repeating: 0, count: count) }

    public var count: Int { values.count }

    /// Bitwise equality (`==` on floats says NaN != NaN and 0 == -0; a checkpoint must not).
    public static func == (a: PackedFloats, b: PackedFloats) -> Bool {
        a.values.count == b.values.count && zip(a.values, b.values).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    private enum BlobKeys: String, CodingKey { case offset, count }

    public func encode(to encoder: Encoder) throws {
        if let sink = encoder.userInfo[SnapshotArchive.sinkKey] as? SnapshotArchive.Sink {
            var c = encoder.container(keyedBy: BlobKeys.self)
            try c.encode(sink.append(values), forKey: .offset)
            try c.encode(values.count, forKey: .count)
        } else {
            var c = encoder.singleValueContainer()
            try c.encode(PackedFloats.littleEndianBytes(values).base64EncodedString())
        }
    }

    public init(from decoder: Decoder) throws {
        if let source = decoder.userInfo[SnapshotArchive.sourceKey] as? SnapshotArchive.Source {
            let c = try decoder.container(keyedBy: BlobKeys.self)
            let offset = try c.decode(Int.self, forKey: .offset)
            let count = try c.decode(Int.self, forKey: .count)
            values = try source.floats(offset: offset, count: count, codingPath: decoder.codingPath)
        } else {
            let c = try decoder.singleValueContainer()
            guard let data = Data(base64Encoded: try c.decode(String.self)), data.count % 4 == 0 else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not base64 of float32 bytes")
            }
            values = PackedFloats.floats(fromLittleEndian: data)
        }
    }

    /// The array's bytes in little-endian order (a plain copy on little-endian hosts).
    static func littleEndianBytes(_ values: [Float]) -> Data {
        #if _endian(big)
        let swapped = values.map { Float(bitPattern: $0.bitPattern.littleEndian) }
        return swapped.withUnsafeBytes { Data($0) }
        #else
        return values.withUnsafeBytes { Data($0) }
        #endif
    }

    static func floats<D: DataProtocol>(fromLittleEndian bytes: D) -> [Float] {
        var out = [Float](repeating: 0, count: bytes.count / 4)
        out.withUnsafeMutableBytes { _ = bytes.copyBytes(to: $0) }
        #if _endian(big)
        for i in out.indices { out[i] = Float(bitPattern: UInt32(littleEndian: out[i].bitPattern)) }
        #endif
        return out
    }
}
