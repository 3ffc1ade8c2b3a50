// The central directory of a zip file, enough to find the uncompressed entries torch.save
// writes (zip64 included); no decompression.

/// The entries of a zip archive and where each one's bytes lie in the file.
struct ZipArchive {
    struct Entry {
        let name: String
        /// Byte range of the entry's data in the file.
        let dataStart: Int
        let size: Int
    }

    let entries: [Entry]
    /// By name; the first of repeated names wins, and lookups stay O(1) however many entries
    /// a hostile directory declares.
    private let byName: [String: Entry]

    /// Whether `bytes` begin like a zip file (a local file header).
    static func looksLikeZip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4b && bytes[2] == 0x03 && bytes[3] == 0x04
    }

    init(_ bytes: [UInt8]) throws {
        var (count, directoryStart, directorySize) = try ZipArchive.endOfCentralDirectory(bytes)
        guard directoryStart <= bytes.count, directorySize <= bytes.count - directoryStart else {
            throw WeightFileError.truncated(what: "zip central directory", needed: directorySize, available: max(bytes.count - directoryStart, 0))
        }
        // Each central directory record takes at least 46 bytes: the declared count cannot
        // make us reserve more than the directory could hold.
        guard count <= directorySize / 46 else {
            throw WeightFileError.malformed("zip declares \(count) entries in a \(directorySize)-byte directory")
        }
        var reader = ByteReader(bytes, from: directoryStart, to: directoryStart + directorySize)
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        while count > 0 {
            entries.append(try ZipArchive.centralRecord(&reader, file: bytes))
            count -= 1
        }
        self.entries = entries
        byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func entry(named name: String) -> Entry? { byName[name] }

    // MARK: - Records

    /// Entry count, directory offset and size, from the end record (or its zip64 version).
    private static func endOfCentralDirectory(_ bytes: [UInt8]) throws -> (Int, Int, Int) {
        // The end record is 22 bytes plus a comment of up to 65535 bytes.
        guard bytes.count >= 22 else { throw WeightFileError.truncated(what: "zip end record", needed: 22, available: bytes.count) }
        let lowest = max(0, bytes.count - 22 - 65535)
        var at = bytes.count - 22
        while at >= lowest, !(bytes[at] == 0x50 && bytes[at + 1] == 0x4b && bytes[at + 2] == 0x05 && bytes[at + 3] == 0x06) { at -= 1 }
        guard at >= lowest else { throw WeightFileError.malformed("no zip end-of-central-directory record") }
        var r = ByteReader(bytes, from: at + 4)
        let disk = try r.u16("zip disk number")
        try r.skip(4, "zip directory disk and entries on disk")
        let count = try r.u16("zip entry count")
        let size = try r.u32("zip directory size"), offset = try r.u32("zip directory offset")
        guard disk == 0 else { throw WeightFileError.unsupported("multi-disk zip archive") }
        guard count == 0xffff || size == 0xffff_ffff || offset == 0xffff_ffff else { return (count, offset, size) }
        // zip64: a 20-byte locator sits just before the end record and points at the zip64 end record.
        guard at >= 20 else { throw WeightFileError.malformed("zip64 locator missing") }
        var locator = ByteReader(bytes, from: at - 20, to: at)
        guard try locator.u32("zip64 locator signature") == 0x0706_4b50 else { throw WeightFileError.malformed("zip64 locator missing") }
        _ = try locator.u32("zip64 disk")
        let recordStart = try locator.u64("zip64 end record offset")
        guard recordStart <= bytes.count else { throw WeightFileError.truncated(what: "zip64 end record", needed: 56, available: 0) }
        var record = ByteReader(bytes, from: recordStart)
        guard try record.u32("zip64 end signature") == 0x0606_4b50 else { throw WeightFileError.malformed("bad zip64 end record signature") }
        try record.skip(8 + 2 + 2 + 4 + 4 + 8, "zip64 end record")
        let count64 = try record.u64("zip64 entry count")
        let size64 = try record.u64("zip64 directory size"), offset64 = try record.u64("zip64 directory offset")
        return (count64, offset64, size64)
    }

    private static func centralRecord(_ r: inout ByteReader, file: [UInt8]) throws -> Entry {
        guard try r.u32("zip directory record") == 0x0201_4b50 else { throw WeightFileError.malformed("bad zip central directory record") }
        try r.skip(4, "zip versions")
        let flags = try r.u16("zip flags"), method = try r.u16("zip method")
        try r.skip(8, "zip time and CRC")
        var compressed = try r.u32("zip compressed size"), size = try r.u32("zip size")
        let nameLength = try r.u16("zip name length"), extraLength = try r.u16("zip extra length")
        let commentLength = try r.u16("zip comment length")
        try r.skip(8, "zip disk and attributes")
        var localOffset = try r.u32("zip local header offset")
        let name = String(decoding: try r.take(nameLength, "zip entry name"), as: UTF8.self)
        var extra = ByteReader(file, from: r.position, to: r.position + extraLength)
        try r.skip(extraLength, "zip extra field")
        try r.skip(commentLength, "zip comment")
        // The zip64 extra field holds, in this order, the values saturated at 0xffffffff.
        while extra.remaining >= 4 {
            let id = try extra.u16("zip extra id"), length = try extra.u16("zip extra length")
            var field = ByteReader(file, from: extra.position, to: extra.position + length)
            try extra.skip(length, "zip extra data")
            guard id == 0x0001 else { continue }
            if size == 0xffff_ffff { size = try field.u64("zip64 size") }
            if compressed == 0xffff_ffff { compressed = try field.u64("zip64 compressed size") }
            if localOffset == 0xffff_ffff { localOffset = try field.u64("zip64 local offset") }
        }
        guard flags & 1 == 0 else { throw WeightFileError.unsupported("zip entry \(name) is encrypted") }
        guard method == 0, compressed == size else {
            throw WeightFileError.unsupported("zip entry \(name) is compressed (method \(method)); torch.save stores entries uncompressed — re-save the file with torch.save")
        }
        // The data follow the local header, whose name and extra lengths may differ from the
        // central record's (torch pads the local extra field to align storages).
        var local = ByteReader(file, from: localOffset)
        guard try local.u32("zip local header of \(name)") == 0x0403_4b50 else {
            throw WeightFileError.malformed("zip entry \(name) has no local header at byte \(localOffset)")
        }
        try local.skip(22, "zip local header of \(name)")
        let localName = try local.u16("zip local name length"), localExtra = try local.u16("zip local extra length")
        try local.skip(localName + localExtra, "zip local header of \(name)")
        try local.require(size, "zip entry \(name)")
        return Entry(name: name, dataStart: local.position, size: size)
    }
}
