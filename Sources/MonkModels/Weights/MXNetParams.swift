// MXNet's NDArray list file (`.params`): what Gluon's `save_parameters`, `export` and the
// older `collect_params().save` write, read with the same bounds as the pickle reader.
import MonkEngine

/// Reads MXNet `.params` files: a list header, the arrays, then their names.
///
/// Layout (little-endian): u64 list magic 0x112, u64 reserved, u64 array count, the arrays,
/// u64 name count, then per name a u64 length and its UTF-8 bytes. Each array is
/// - V2/V3 (magic 0xF993FAC9 / 0xF993FACA): i32 storage type (0 = dense), shape (i32 ndim,
///   i64 dims), then unless the shape is empty: context (i32 device type, i32 id), i32 dtype,
///   the raw elements;
/// - V1 (magic 0xF993FAC8): the same without the storage type;
/// - legacy (no magic; the first u32 is ndim): u32 dims, context, dtype, elements.
///
/// Names are returned as stored (`features.0.weight`, `resnetv20_conv0_weight`,
/// `arg:…`/`aux:…`); `GluonLayout` maps them onto a network. Every count and size is checked
/// against the bytes that remain before anything is allocated.
public enum MXNetParams {
    static let listMagic: UInt64 = 0x112
    static let v1Magic = 0xF993_FAC8, v2Magic = 0xF993_FAC9, v3Magic = 0xF993_FACA
    /// More dimensions than any layer's weight has; MXNet's own limit is 32.
    static let maxRank = 8
    /// A parameter name longer than this is not a parameter name.
    static let maxNameBytes = 4096

    /// Whether `bytes` begin like an NDArray list file.
    public static func looksLikeParams(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 16 else { return false }
        var r = ByteReader(bytes)
        return (try? r.uintLE(8, "")) == listMagic && (try? r.uintLE(8, "")) == 0
    }

    /// The named arrays of a `.params` file, converted to Float32, in file order.
    public static func load(bytes: [UInt8]) throws -> StateDict {
        var r = ByteReader(bytes)
        guard try r.uintLE(8, "NDArray list magic") == listMagic else {
            throw WeightFileError.malformed("not an MXNet .params file (no NDArray list magic number)")
        }
        _ = try r.uintLE(8, "NDArray list reserved field")
        let count = try r.u64("NDArray count")
        // The smallest array record (a V2 empty shape) takes 12 bytes: a count beyond that
        // cannot be genuine, and must not size an allocation.
        guard count <= r.remaining / 12 else {
            throw WeightFileError.limitExceeded("the file declares \(count) arrays in \(r.remaining) bytes")
        }
        var arrays: [(Tensor, WeightDType)?] = []
        arrays.reserveCapacity(count)
        for i in 0..<count { arrays.append(try readArray(&r, index: i)) }
        let nameCount = try r.u64("NDArray name count")
        guard nameCount == count else {
            throw nameCount == 0
                ? WeightFileError.unsupported("the .params file stores \(count) arrays without names")
                : WeightFileError.malformed("\(count) arrays but \(nameCount) names")
        }
        var dict = StateDict()
        for i in 0..<count {
            let length = try r.u64("length of name \(i)")
            guard length <= maxNameBytes else { throw WeightFileError.limitExceeded("name \(i) is \(length) bytes long") }
            let raw = try r.take(length, "name \(i)")
            guard let name = String(validating: raw, as: UTF8.self) else {
                throw WeightFileError.malformed("name \(i) is not UTF-8")
            }
            guard let (tensor, dtype) = arrays[i] else {
                throw WeightFileError.malformed("\"\(name)\" is an array without a shape (never initialised)")
            }
            try dict.append(name, tensor, dtype: dtype)
        }
        guard r.remaining == 0 else {
            throw WeightFileError.malformed("\(r.remaining) bytes after the last name")
        }
        return dict
    }

    /// One array; nil for MXNet's "none" array (an empty shape, saved without data).
    static func readArray(_ r: inout ByteReader, index: Int) throws -> (Tensor, WeightDType)? {
        let what = "array \(index)"
        let head = try r.u32("\(what) magic")
        let shape: [Int]
        switch head {
        case v2Magic, v3Magic:
            let storage = try r.i32("\(what) storage type")
            guard storage == 0 else {
                throw WeightFileError.unsupported("\(what) is a sparse array (storage type \(storage))")
            }
            let rank = try r.i32("\(what) rank")
            // V2 writes an empty (rank 0) shape for a "none" array; V3 (NumPy semantics) writes
            // rank -1 for it and rank 0 for a scalar.
            if rank == -1 && head == v3Magic { return nil }
            if rank == 0 && head == v2Magic { return nil }
            shape = try dims(&r, rank: rank, width: 8, what)
        case v1Magic:
            let rank = try r.i32("\(what) rank")
            if rank == 0 { return nil }
            shape = try dims(&r, rank: rank, width: 8, what)
        default:
            // Before V1 the record opened with the rank itself and 32-bit dimensions.
            if head == 0 { return nil }
            shape = try dims(&r, rank: head, width: 4, what)
        }
        _ = try r.i32("\(what) device type")
        _ = try r.i32("\(what) device id")
        let code = try r.i32("\(what) dtype")
        guard let dtype = dtype(mxnetCode: code) else {
            throw WeightFileError.unsupported("\(what) has MXNet dtype \(code); float32, float64, float16 and integer arrays are read")
        }
        var elements = 1
        for d in shape {
            let (n, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw WeightFileError.limitExceeded("\(what) has absurd shape \(shape)") }
            elements = n
        }
        let (byteCount, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw WeightFileError.limitExceeded("\(what) has absurd shape \(shape)") }
        // Checked before the tensor is allocated: its size is bounded by the file's.
        let raw = try r.take(byteCount, "\(what) data (\(shape), \(dtype.rawValue))")
        let tensor = Tensor(uninitializedShape: shape)
        raw.withUnsafeBytes { src in
            guard let base = src.baseAddress else { return }
            if dtype == .float32, UInt32(littleEndian: 1) == 1 {
                UnsafeMutableRawPointer(tensor.data).copyMemory(from: base, byteCount: byteCount)
            } else {
                for i in 0..<elements { tensor.data[i] = dtype.load(base, i) }
            }
        }
        return (tensor, dtype)
    }

    static func dims(_ r: inout ByteReader, rank: Int, width: Int, _ what: String) throws -> [Int] {
        guard rank >= 0, rank <= maxRank else {
            throw WeightFileError.limitExceeded("\(what) has rank \(rank)")
        }
        var shape: [Int] = []
        for k in 0..<rank {
            let raw = try r.uintLE(width, "\(what) dimension \(k)")
            // Dimensions are signed in MXNet; a negative one (unknown size) cannot hold data.
            let d = width == 8 ? Int(Int64(bitPattern: raw)) : Int(Int32(truncatingIfNeeded: raw))
            guard d >= 0 else { throw WeightFileError.malformed("\(what) has dimension \(d)") }
            shape.append(d)
        }
        return shape
    }

    /// mshadow's type flags.
    static func dtype(mxnetCode code: Int) -> WeightDType? {
        switch code {
        case 0: .float32
        case 1: .float64
        case 2: .float16
        case 3: .uint8
        case 4: .int32
        case 5: .int8
        case 6: .int64
        case 7: .bool
        case 8: .int16
        default: nil
        }
    }
}
