// A compact binary container for any Codable value holding `PackedFloats`: a JSON header for
// the structure and one raw little-endian section for all the floats (checkpoints, resume).
import Foundation

/// Encodes a Codable value as `MONKSNP2` · header length (UInt64 LE) · JSON header · raw
/// float bytes · `Checksum64` of everything before it (UInt64 LE). The header keeps
/// everything readable (names, shapes, hyper-parameters, counters); every `PackedFloats`
/// inside it becomes an `{offset, count}` reference into the raw section, so the floats are
/// stored once, exactly, at 4 bytes each. The checksum is verified before anything is decoded:
/// one flipped byte in a resume snapshot once resumed training "from epoch 4, batch 17"
/// (the true position was batch 8). Archives written before it (`MONKSNP1`, no checksum)
/// are still read.
public enum SnapshotArchive {
    static let magic = Data("MONKSNP2".utf8)
    static let uncheckedMagic = Data("MONKSNP1".utf8)
    static let sinkKey = CodingUserInfoKey(rawValue: "monk.snapshot.sink")!
    static let sourceKey = CodingUserInfoKey(rawValue: "monk.snapshot.source")!

    /// Why an archive could not be read.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case notAnArchive
        case truncated(needed: Int, available: Int)
        case blobOutOfRange(offset: Int, count: Int, available: Int, path: String)
        /// The bytes are not the ones written: the recorded checksum does not match.
        case checksumMismatch(recorded: String, computed: String)

        public var description: String {
            switch self {
            case .notAnArchive: return "not a monkpipe snapshot (missing MONKSNP2 magic)"
            case let .checksumMismatch(recorded, computed):
                return "snapshot damaged: checksum \(computed), \(recorded) was recorded when it was written"
            case let .truncated(needed, available):
                return "snapshot truncated: header needs \(needed) bytes, file has \(available)"
            case let .blobOutOfRange(offset, count, available, path):
                return "snapshot entry \(path) points at \(count) floats from byte \(offset), " +
                    "beyond the \(available)-byte data section"
            }
        }
    }

    /// Collects float bytes while the header is being encoded.
    final class Sink: @unchecked Sendable {
        var bytes = Data()
        /// Appends and returns the byte offset of the array within the raw section.
        func append(_ values: [Float]) -> Int {
            let offset = bytes.count
            bytes.append(PackedFloats.littleEndianBytes(values))
            return offset
        }
    }

    /// Hands out float arrays from the raw section, checking every reference against its size.
    final class Source: @unchecked Sendable {
        let bytes: Data
        init(_ bytes: Data) { self.bytes = bytes }
        func floats(offset: Int, count: Int, codingPath: [CodingKey]) throws -> [Float] {
            let (length, overflow) = count.multipliedReportingOverflow(by: 4)
            guard offset >= 0, count >= 0, !overflow, offset <= bytes.count, length <= bytes.count - offset else {
                throw Failure.blobOutOfRange(offset: offset, count: count, available: bytes.count,
                                             path: codingPath.map(\.stringValue).joined(separator: "."))
            }
            let start = bytes.startIndex + offset
            return PackedFloats.floats(fromLittleEndian: bytes[start..<(start + length)])
        }
    }

    /// Serialises `value` into one self-contained blob.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let sink = Sink()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.userInfo[sinkKey] = sink
        let header = try encoder.encode(value)
        var out = magic
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(header)
        out.append(sink.bytes)
        withUnsafeBytes(of: Checksum64.of(out).littleEndian) { out.append(contentsOf: $0) }
        return out
    }

    /// Reads what `encode` wrote; every float reference is bounds-checked before it is read.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        func word(at offset: Int) -> UInt64 {
            var v: UInt64 = 0
            withUnsafeMutableBytes(of: &v) { _ = data.dropFirst(offset).prefix(8).copyBytes(to: $0) }
            return UInt64(littleEndian: v)
        }
        let checked = data.count >= 24 && data.prefix(8) == magic
        guard checked || (data.count >= 16 && data.prefix(8) == uncheckedMagic) else { throw Failure.notAnArchive }
        // The checksum (last 8 bytes) covers everything before it, the header length included.
        let end = checked ? data.count - 8 : data.count
        if checked {
            let recorded = word(at: end)
            let computed = data.prefix(end).withUnsafeBytes { Checksum64.of($0) }
            guard recorded == computed else {
                throw Failure.checksumMismatch(recorded: Checksum64.hex(recorded), computed: Checksum64.hex(computed))
            }
        }
        let length = word(at: 8)
        guard length <= UInt64(end - 16) else {
            throw Failure.truncated(needed: 16 &+ Int(clamping: length), available: end)
        }
        let headerStart = data.startIndex + 16
        let headerEnd = headerStart + Int(length)
        let decoder = JSONDecoder()
        // A slice shares the file's storage: the floats are copied once, into their arrays.
        decoder.userInfo[sourceKey] = Source(data[headerEnd..<(data.startIndex + end)])
        return try decoder.decode(type, from: data[headerStart..<headerEnd])
    }

    /// Decodes only the JSON header of the archive at `url`, reading no more of the file than
    /// the header: counters and names of a large snapshot, cheaply. `T` must not decode any
    /// `PackedFloats` (there is no data section to read them from).
    public static func decodeHeader<T: Decodable>(_ type: T.Type, at url: URL) throws -> T {
        let file = try FileHandle(forReadingFrom: url)
        defer { try? file.close() }
        let prefix = try file.read(upToCount: 16) ?? Data()
        guard prefix.count == 16, prefix.prefix(8) == magic else { throw Failure.notAnArchive }
        var length: UInt64 = 0
        withUnsafeMutableBytes(of: &length) { _ = prefix.dropFirst(8).copyBytes(to: $0) }
        length = UInt64(littleEndian: length)
        let size = (try? file.seekToEnd()) ?? 0
        guard size >= 16, length <= size - 16 else {
            throw Failure.truncated(needed: 16 &+ Int(clamping: length), available: Int(clamping: size))
        }
        try file.seek(toOffset: 16)
        let header = try file.read(upToCount: Int(length)) ?? Data()
        guard header.count == Int(length) else { throw Failure.truncated(needed: 16 + Int(length), available: 16 + header.count) }
        return try JSONDecoder().decode(type, from: header)
    }
}
