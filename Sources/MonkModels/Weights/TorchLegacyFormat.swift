// torch.save's legacy format (before PyTorch 1.6): five pickles/sections in one stream —
// magic number, protocol version, system info, the state dict, the storage keys — and then
// each storage as an 8-byte element count followed by its raw little-endian elements.

enum TorchLegacyFormat {
    /// The pickle of `0x1950a86a20f9469cfc6c` (LONG1, 10 bytes) that opens every legacy file.
    private static let magic: [UInt8] = [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]

    static func looksLegacy(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 15 && bytes[0] == 0x80 && Array(bytes[2..<15]) == magic
    }

    static func read(_ bytes: [UInt8]) throws -> StateDict {
        var position = 15
        let noStorages: (PickleValue) throws -> PickleValue = { _ in
            throw WeightFileError.malformed("persistent id outside the state-dict pickle")
        }
        var versionReader = PickleReader(bytes: bytes, start: position, persistentLoad: noStorages)
        guard try versionReader.read() == .int(1001) else {
            throw WeightFileError.unsupported("legacy PyTorch file with a protocol version other than 1001")
        }
        var infoReader = PickleReader(bytes: bytes, start: versionReader.endPosition, persistentLoad: noStorages)
        let info = try infoReader.read()
        guard case let .dict(fields) = info else { throw WeightFileError.malformed("legacy system info is not a dict") }
        if let endian = fields.first(where: { $0.key == .string("little_endian") }), endian.value != .bool(true) {
            throw WeightFileError.unsupported("big-endian legacy PyTorch file")
        }
        position = infoReader.endPosition

        let table = TorchStorageTable()
        var main = PickleReader(bytes: bytes, start: position, persistentLoad: table.load)
        let tensors = try tensorEntries(of: try main.read())
        var keysReader = PickleReader(bytes: bytes, start: main.endPosition, persistentLoad: noStorages)
        guard case let .list(keyValues) = try keysReader.read() else {
            throw WeightFileError.malformed("legacy storage key list missing")
        }

        // The storages follow in key-list order, each as count (Int64 LE) · elements.
        var ranges: [String: (start: Int, count: Int)] = [:]
        var cursor = ByteReader(bytes, from: keysReader.endPosition)
        for value in keyValues {
            guard let key = value.stringValue, let storage = table.declared[key] else {
                throw WeightFileError.malformed("legacy storage key \(value) was never referenced by the state dict")
            }
            let count = try cursor.u64("element count of storage \(key)")
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: storage.dtype.byteSize)
            guard !overflow else { throw WeightFileError.limitExceeded("storage \(key) declares \(count) elements") }
            let start = cursor.position
            try cursor.skip(byteCount, "storage \(key) (\(count) × \(storage.dtype))")
            ranges[key] = (start, byteCount)
        }
        return try buildStateDict(tensors, file: bytes) { storage in
            guard let range = ranges[storage.key] else {
                throw WeightFileError.malformed("storage \(storage.key) is missing from the legacy storage list")
            }
            return range
        }
    }
}
