// Element types found in weight files, their names in each format, and conversion to Float32.

/// The element type of a stored tensor. The engine computes in Float32, so every type is
/// converted on load; the original type is kept so that exports can write it back
/// (`num_batches_tracked` must stay int64 for PyTorch's `load_state_dict`).
public enum WeightDType: String, Sendable, CaseIterable, Codable {
    case float32, float16, bfloat16, float64, int64, int32, int16, int8, uint8, bool

    public var byteSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// The dtype of a legacy typed storage class (`torch.FloatStorage` → float32), as pickled
    /// by `torch.save` in both the zip and the legacy format.
    init?(torchStorageClass name: String) {
        switch name {
        case "FloatStorage": self = .float32
        case "HalfStorage": self = .float16
        case "BFloat16Storage": self = .bfloat16
        case "DoubleStorage": self = .float64
        case "LongStorage": self = .int64
        case "IntStorage": self = .int32
        case "ShortStorage": self = .int16
        case "CharStorage": self = .int8
        case "ByteStorage": self = .uint8
        case "BoolStorage": self = .bool
        default: return nil
        }
    }

    /// The dtype string of the safetensors header ("F32", "I64", …).
    public var safetensorsName: String {
        switch self {
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .float64: return "F64"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint8: return "U8"
        case .bool: return "BOOL"
        }
    }

    init?(safetensorsName name: String) {
        guard let match = WeightDType.allCases.first(where: { $0.safetensorsName == name }) else { return nil }
        self = match
    }

    /// Element `index` of little-endian storage at `base`, as Float. The caller has checked
    /// that the element lies inside the storage.
    func load(_ base: UnsafeRawPointer, _ index: Int) -> Float {
        let p = base + index * byteSize
        switch self {
        case .float32: return Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        case .float16: return Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
        case .bfloat16: return Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16)
        case .float64: return Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
        case .int64: return Float(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
        case .int32: return Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
        case .int16: return Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
        case .int8: return Float(p.load(as: Int8.self))
        case .uint8: return Float(p.load(as: UInt8.self))
        case .bool: return p.load(as: UInt8.self) != 0 ? 1 : 0
        }
    }

    /// Appends `value` in this dtype, little-endian (integers round to nearest).
    func append(_ value: Float, to out: inout [UInt8]) {
        func put<T: FixedWidthInteger>(_ v: T) {
            withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
        }
        switch self {
        case .float32: put(value.bitPattern)
        case .float16: put(Float16(value).bitPattern)
        case .bfloat16:
            // Round to nearest even on the upper 16 bits, as PyTorch's float→bfloat16 does.
            let bits = value.bitPattern
            put(value.isNaN ? UInt16(0x7fc0) : UInt16(truncatingIfNeeded: (bits + 0x7fff + ((bits >> 16) & 1)) >> 16))
        case .float64: put(Double(value).bitPattern)
        case .int64: put(saturating(value, Int64.self))
        case .int32: put(saturating(value, Int32.self))
        case .int16: put(saturating(value, Int16.self))
        case .int8: put(saturating(value, Int8.self))
        case .uint8: put(saturating(value, UInt8.self))
        case .bool: put(UInt8(value != 0 ? 1 : 0))
        }
    }
}

/// Rounds to the nearest integer of type T, clamping out-of-range values and mapping NaN to 0
/// (a plain `T(value)` would trap, or be undefined under `-Ounchecked`).
private func saturating<T: FixedWidthInteger>(_ value: Float, _: T.Type) -> T {
    guard !value.isNaN else { return 0 }
    let r = value.rounded()
    if r <= Float(T.min) { return T.min }
    if r >= Float(T.max) { return T.max }
    return T(r)
}
