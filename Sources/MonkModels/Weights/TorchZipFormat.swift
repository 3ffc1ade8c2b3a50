// torch.save's zip format (PyTorch ≥ 1.6): `<name>/data.pkl` plus one entry per storage,
// `<name>/data/<key>`, stored uncompressed.

enum TorchZipFormat {
    static func read(_ bytes: [UInt8]) throws -> StateDict {
        let archive = try ZipArchive(bytes)
        // The top folder is named after the file that was saved ("archive" by default).
        let pickles = archive.entries.filter { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/").count == 2 }
        guard pickles.count == 1, let pickle = pickles.first else {
            throw WeightFileError.malformed("zip archive has \(pickles.count) top-level data.pkl entries, expected 1")
        }
        let prefix = String(pickle.name.dropLast("data.pkl".count))
        if let order = archive.entry(named: prefix + "byteorder") {
            let text = String(decoding: bytes[order.dataStart..<(order.dataStart + order.size)], as: UTF8.self)
            guard text == "little" else { throw WeightFileError.unsupported("\(text)-endian storages") }
        }
        let table = TorchStorageTable()
        var reader = PickleReader(bytes: bytes, start: pickle.dataStart, end: pickle.dataStart + pickle.size,
                                  persistentLoad: table.load)
        let tensors = try tensorEntries(of: try reader.read())
        return try buildStateDict(tensors, file: bytes) { storage in
            guard let entry = archive.entry(named: prefix + "data/" + storage.key) else {
                throw WeightFileError.malformed("storage \(storage.key) has no entry \(prefix)data/\(storage.key)")
            }
            let declared = (table.declared[storage.key]?.count ?? 0).multipliedReportingOverflow(by: storage.dtype.byteSize)
            guard !declared.overflow, declared.partialValue <= entry.size else {
                throw WeightFileError.truncated(what: "storage \(storage.key)", needed: declared.overflow ? Int.max : declared.partialValue, available: entry.size)
            }
            return (entry.dataStart, entry.size)
        }
    }
}
