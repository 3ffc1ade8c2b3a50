// safetensors (Hugging Face / timm): 8-byte little-endian header length, a JSON header of
// dtype/shape/data_offsets per tensor (plus optional "__metadata__"), then the raw bytes.
import Foundation
import MonkEngine

/// Reads and writes safetensors files. Reading validates what the reference implementation
/// validates: offsets within the data, sizes matching shape × dtype, no overlap and no gaps.
public enum Safetensors {
    /// The reference implementation's bound on the header; real headers are kilobytes.
    static let maxHeaderBytes = 100_000_000

    public static func load(_ url: URL) throws -> (tensors: StateDict, metadata: [String: String]) {
        try load(bytes: try readWholeFile(url))
    }

    public static func load(bytes: [UInt8]) throws -> (tensors: StateDict, metadata: [String: String]) {
        var reader = ByteReader(bytes)
        let headerLength = try reader.u64("safetensors header length")
        guard headerLength <= maxHeaderBytes else {
            throw WeightFileError.limitExceeded("safetensors header of \(headerLength) bytes")
        }
        let header = try reader.take(headerLength, "safetensors header")
        let dataStart = reader.position, dataLength = bytes.count - dataStart
        let parsed: [String: HeaderValue]
        do {
            parsed = try JSONDecoder().decode([String: HeaderValue].self, from: Data(header))
        } catch {
            throw WeightFileError.malformed("safetensors header is not the expected JSON (\(error))")
        }
        var metadata: [String: String] = [:]
        var infos: [(String, TensorInfo)] = []
        for (name, value) in parsed {
            switch value {
            case let .metadata(m) where name == "__metadata__": metadata = m
            case let .tensor(info) where name != "__metadata__": infos.append((name, info))
            default: throw WeightFileError.malformed("safetensors header entry \"\(name)\" has the wrong form")
            }
        }
        // Layout checks in offset order: contiguous from 0 to the end of the file.
        infos.sort { ($0.1.begin, $0.1.end, $0.0) < ($1.1.begin, $1.1.end, $1.0) }
        var expectedBegin = 0
        var dict = StateDict()
        for (name, info) in infos {
            guard let dtype = WeightDType(safetensorsName: info.dtype) else {
                throw WeightFileError.unsupported("safetensors dtype \(info.dtype) of \"\(name)\"")
            }
            guard info.shape.count <= 16, info.shape.allSatisfy({ $0 >= 0 }) else {
                throw WeightFileError.malformed("\"\(name)\" has shape \(info.shape)")
            }
            var byteCount = dtype.byteSize
            for d in info.shape {
                let (n, overflow) = byteCount.multipliedReportingOverflow(by: d)
                guard !overflow else { throw WeightFileError.limitExceeded("\"\(name)\" has absurd shape \(info.shape)") }
                byteCount = n
            }
            guard info.begin == expectedBegin else {
                throw WeightFileError.malformed(info.begin < expectedBegin
                    ? "\"\(name)\" overlaps the previous tensor (data_offsets start at \(info.begin), previous end \(expectedBegin))"
                    : "gap in safetensors data before \"\(name)\" (bytes \(expectedBegin)..<\(info.begin))")
            }
            guard info.end >= info.begin, info.end <= dataLength else {
                throw WeightFileError.truncated(what: "\"\(name)\" data_offsets \(info.begin)..<\(info.end)", needed: info.end, available: dataLength)
            }
            guard info.end - info.begin == byteCount else {
                throw WeightFileError.malformed("\"\(name)\" holds \(info.end - info.begin) bytes but shape \(info.shape) × \(dtype) needs \(byteCount)")
            }
            let strides = contiguousStrides(info.shape)
            let ref = TorchTensorRef(storage: TorchStorageRef(key: name, dtype: dtype, count: byteCount / dtype.byteSize),
                                     storageOffset: 0, shape: info.shape, strides: strides)
            let tensor = try StridedTensorCopy.materialize(ref, name: name, bytes: bytes, byteStart: dataStart + info.begin, byteCount: byteCount)
            try dict.append(name, tensor, dtype: dtype)
            expectedBegin = info.end
        }
        guard expectedBegin == dataLength else {
            throw WeightFileError.malformed("safetensors data has \(dataLength - expectedBegin) bytes after the last tensor")
        }
        return (dict, metadata)
    }

    /// The bytes of a safetensors file. Each tensor is written in its entry's dtype. Tensors
    /// are laid out by decreasing element size (then in state-dict order), as the reference
    /// writer does, so that every tensor is aligned to its element size; the header is padded
    /// with spaces to a multiple of 8.
    public static func encode(_ dict: StateDict, metadata: [String: String] = [:]) -> [UInt8] {
        let order = dict.entries.indices.sorted {
            let a = dict.entries[$0].dtype.byteSize, b = dict.entries[$1].dtype.byteSize
            return a != b ? a > b : $0 < $1
        }
        // One reservation for all the data: reserving per tensor (count + that tensor) makes
        // each reservation an exact-size reallocation that copies everything written so far,
        // quadratic in the number of tensors (densenet121's ~600 tensors spent ~2 s of copies
        // per 32 MB checkpoint in a run's end-of-epoch export).
        var data: [UInt8] = []
        data.reserveCapacity(dict.entries.reduce(0) { $0 + $1.tensor.count * $1.dtype.byteSize })
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for i in order {
            let e = dict.entries[i]
            let begin = data.count
            for v in e.tensor.buffer { e.dtype.append(v, to: &data) }
            let shape = e.tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(e.name)):{\"dtype\":\"\(e.dtype.safetensorsName)\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(data.count)]}")
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + data.count)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out += header
        out += data
        return out
    }

    /// Writes `encode(dict, metadata:)` to `url` atomically (temporary file, then rename).
    public static func save(_ dict: StateDict, metadata: [String: String] = [:], to url: URL) throws {
        try writeAtomically(encode(dict, metadata: metadata), to: url)
    }

    // MARK: - Header

    private struct TensorInfo: Decodable {
        let dtype: String
        let shape: [Int]
        let data_offsets: [Int]
        var begin: Int { data_offsets[0] }
        var end: Int { data_offsets[1] }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            dtype = try c.decode(String.self, forKey: .dtype)
            shape = try c.decode([Int].self, forKey: .shape)
            data_offsets = try c.decode([Int].self, forKey: .data_offsets)
            guard data_offsets.count == 2, data_offsets[0] >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: .data_offsets, in: c, debugDescription: "expected [begin, end]")
            }
        }
        enum CodingKeys: String, CodingKey { case dtype, shape, data_offsets }
    }

    private enum HeaderValue: Decodable {
        case tensor(TensorInfo)
        case metadata([String: String])

        init(from decoder: Decoder) throws {
            if let info = try? TensorInfo(from: decoder) { self = .tensor(info) } else {
                self = .metadata(try [String: String](from: decoder))
            }
        }
    }
}

func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for d in shape.indices.reversed() { strides[d] = s; s &*= max(shape[d], 1) }
    return strides
}

/// A JSON string literal with the escapes RFC 8259 requires.
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// Writes through the engine's `AtomicFile` (temporary file, fsync, rename), reporting
/// failures as weight-file I/O errors.
func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
    do {
        try AtomicFile.write(Data(bytes), to: url)
    } catch let e as AtomicFile.WriteError {
        throw WeightFileError.io(path: e.path, reason: e.reason)
    }
}
