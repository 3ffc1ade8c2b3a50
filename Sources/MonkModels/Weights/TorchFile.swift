// Reads PyTorch .pth files — the zip format of torch.save since 1.6 and the legacy format
// before it — into a StateDict, without executing any of the pickle inside.
import Foundation
import MonkEngine

/// PyTorch state-dict files. Both formats hold one pickle describing the dict (names →
/// strided views of storages) plus the raw storages; they differ in where the storages live.
public enum TorchFile {
    /// Reads a .pth file. Tensors of any stored dtype become Float32 tensors; each entry's
    /// `dtype` keeps the stored type (`num_batches_tracked` is `.int64`).
    public static func load(_ url: URL) throws -> StateDict {
        try load(bytes: try readWholeFile(url))
    }

    public static func load(bytes: [UInt8]) throws -> StateDict {
        if ZipArchive.looksLikeZip(bytes) { return try TorchZipFormat.read(bytes) }
        if TorchLegacyFormat.looksLegacy(bytes) { return try TorchLegacyFormat.read(bytes) }
        if bytes.count > 262, Array(bytes[257..<262]) == Array("ustar".utf8) {
            throw WeightFileError.unsupported("tar-format PyTorch file (torch < 0.4); load and re-save it with a current torch.save")
        }
        throw WeightFileError.malformed("not a PyTorch file (neither a zip archive nor the legacy pickle magic number)")
    }
}

/// Storages announced by persistent ids while the pickle runs, by key.
final class TorchStorageTable {
    private(set) var declared: [String: TorchStorageRef] = [:]

    /// `persistentLoad` for both formats. Zip: `('storage', StorageClass, key, location, numel)`;
    /// legacy adds a sixth element, None or `(view_key, offset, view_size)`.
    func load(_ pid: PickleValue) throws -> PickleValue {
        guard case let .tuple(items) = pid, items.count == 5 || items.count == 6,
              items[0] == .string("storage"), case let .global(.storageClass(dtype)) = items[1],
              let key = items[2].stringValue, let count = items[4].intValue, count >= 0 else {
            throw WeightFileError.malformed("persistent id is not a torch storage reference")
        }
        if let known = declared[key], known.dtype != dtype {
            throw WeightFileError.malformed("storage \(key) declared as both \(known.dtype) and \(dtype)")
        }
        declared[key] = TorchStorageRef(key: key, dtype: dtype, count: count)
        if items.count == 6, case let .tuple(view) = items[5] {
            guard view.count == 3, let offset = view[1].intValue, let size = view[2].intValue, offset >= 0, size >= 0 else {
                throw WeightFileError.malformed("storage view of \(key) is not (key, offset, size)")
            }
            return .storage(TorchStorageRef(key: key, dtype: dtype, count: size, elementOffset: offset))
        }
        return .storage(TorchStorageRef(key: key, dtype: dtype, count: count))
    }
}

/// The name → tensor pairs of an unpickled state dict. Accepts a bare state dict, or a
/// training checkpoint that wraps one under "state_dict", "model_state_dict" or "model".
func tensorEntries(of root: PickleValue) throws -> [(String, TorchTensorRef)] {
    guard case let .dict(entries) = root else {
        throw WeightFileError.unsupported("the file holds a \(root.kind), not a state dict")
    }
    var tensors: [(String, TorchTensorRef)] = []
    for entry in entries {
        guard case let .tensor(ref) = entry.value, let name = entry.key.stringValue else { continue }
        tensors.append((name, ref))
    }
    if tensors.count == entries.count { return tensors }
    for wrapper in ["state_dict", "model_state_dict", "model"] {
        if let inner = entries.first(where: { $0.key == .string(wrapper) }), case .dict = inner.value {
            return try tensorEntries(of: inner.value)
        }
    }
    // Name the first entry that is not a (name, tensor) pair: a key that is not a string (a
    // dict saved as `{5: tensor}`) or a value that is not a tensor.
    for entry in entries {
        guard let name = entry.key.stringValue else {
            throw WeightFileError.unsupported("state dict key \(entry.key.summary) is a \(entry.key.kind), not a tensor name (a string)")
        }
        guard case .tensor = entry.value else {
            throw WeightFileError.unsupported("state dict entry \"\(name)\" holds a \(entry.value.kind), not a tensor")
        }
    }
    throw WeightFileError.malformed("state dict entries could not be read")
}

/// Materialises every tensor; `bytesOf` gives the byte range holding a storage key.
func buildStateDict(_ tensors: [(String, TorchTensorRef)], file: [UInt8],
                    bytesOf: (TorchStorageRef) throws -> (start: Int, count: Int)) throws -> StateDict {
    var dict = StateDict()
    // Tensors may share a storage (tied weights, views). Each stored byte yields at most one
    // element unless shared, so this bound admits real sharing but stops a small file from
    // pointing thousands of tensors at one large storage.
    let elementBudget = file.count + (1 << 20)
    var elements = 0
    for (name, ref) in tensors {
        let numel = ref.shape.reduce(1) { n, d in
            let (p, overflow) = n.multipliedReportingOverflow(by: max(d, 0))
            return overflow ? Int.max : p
        }
        let (sum, overflow) = elements.addingReportingOverflow(numel)
        elements = overflow ? Int.max : sum
        guard elements <= elementBudget else {
            throw WeightFileError.limitExceeded("the tensors up to \"\(name)\" would hold more elements than a \(file.count)-byte file can store")
        }
        let range = try bytesOf(ref.storage)
        let tensor = try StridedTensorCopy.materialize(ref, name: name, bytes: file, byteStart: range.start, byteCount: range.count)
        try dict.append(name, tensor, dtype: ref.storage.dtype)
    }
    return dict
}
