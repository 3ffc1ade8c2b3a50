// A bounds-checked little-endian cursor over a file's bytes, and whole-file reading.
import Foundation

/// Reads integers and byte ranges from a byte array, checking every access against its end.
/// Release builds use `-Ounchecked`, which drops Swift's own array bounds checks, so these
/// explicit checks are the only thing standing between a hostile file and a wild read.
struct ByteReader {
    let bytes: [UInt8]
    var position: Int
    /// Exclusive end of the readable region (a zip entry or a whole file).
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = start
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { max(end - position, 0) }

    /// Throws unless `count` more bytes are available for `what`.
    func require(_ count: Int, _ what: String) throws {
        guard count >= 0, count <= remaining else {
            throw WeightFileError.truncated(what: what, needed: count, available: remaining)
        }
    }

    mutating func u8(_ what: String) throws -> UInt8 {
        try require(1, what)
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned little-endian integer of `width` bytes (1...8).
    mutating func uintLE(_ width: Int, _ what: String) throws -> UInt64 {
        try require(width, what)
        var v: UInt64 = 0
        for i in 0..<width { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += width
        return v
    }

    mutating func u16(_ what: String) throws -> Int { Int(try uintLE(2, what)) }
    mutating func u32(_ what: String) throws -> Int { Int(try uintLE(4, what)) }
    mutating func i32(_ what: String) throws -> Int { Int(Int32(truncatingIfNeeded: try uintLE(4, what))) }

    /// A UInt64 that must also fit a non-negative Int.
    mutating func u64(_ what: String) throws -> Int {
        let v = try uintLE(8, what)
        guard v <= UInt64(Int.max) else { throw WeightFileError.limitExceeded("\(what) is \(v)") }
        return Int(v)
    }

    mutating func take(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
        try require(count, what)
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func skip(_ count: Int, _ what: String) throws {
        try require(count, what)
        position += count
    }
}

/// Reads a whole file into memory with POSIX calls (one copy, no Foundation `Data` bridge).
func readWholeFile(_ url: URL) throws -> [UInt8] {
    let path = url.path
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw WeightFileError.io(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw WeightFileError.io(path: path, reason: String(cString: strerror(errno))) }
    guard (info.st_mode & S_IFMT) == S_IFREG else { throw WeightFileError.io(path: path, reason: "not a regular file") }
    let size = Int(info.st_size)
    var failure: String?
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
        var done = 0
        while done < size {
            let n = read(fd, buffer.baseAddress! + done, size - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { failure = n == 0 ? "file shrank while reading" : String(cString: strerror(errno)); break }
            done += n
        }
        initialized = done
    }
    if let failure { throw WeightFileError.io(path: path, reason: failure) }
    return bytes
}
