// A bounds-checked little-endian cursor over a file's bytes, and whole-file reading.
import Foundation
import MonkEngine
import MonkVocabulary

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

/// Weight files are read whole (every byte of a valid file becomes a tensor). 4 GB is 20 times
/// the largest file of any network monkpipe builds (ResNet-101, 171 MB) and still bounded.
let maxWeightFileBytes = 4_000_000_000

/// Reads a whole regular file of at most `maxBytes` into memory with POSIX calls (one copy, no
/// Foundation `Data` bridge). O_NONBLOCK keeps `open` from waiting forever on a FIFO, which is
/// then refused by its kind, as are directories and devices; the size is checked before
/// anything is read.
func readWholeFile(_ url: URL, maxBytes: Int = maxWeightFileBytes) throws -> [UInt8] {
    let path = url.path
    func failure(_ why: String) -> WeightFileError { .io(path: path, reason: why) }
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw failure(FileErrorWords.reason(errno: errno, path: path)) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw failure(FileErrorWords.reason(errno: errno, path: path)) }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw failure("is a folder, not a weights file")
    case S_IFIFO: throw failure("is a FIFO (named pipe), not a regular file")
    case S_IFCHR, S_IFBLK: throw failure("is a device, not a regular file")
    case S_IFSOCK: throw failure("is a socket, not a regular file")
    default: throw failure("is not a regular file")
    }
    let size = Int(info.st_size)
    guard size <= maxBytes else {
        throw WeightFileError.limitExceeded("\(path) is \(ByteCount.text(size)), more than the \(ByteCount.text(maxBytes)) a weights file may be")
    }
    var readFailure: String?
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
        var done = 0
        while done < size, let base = buffer.baseAddress {
            let n = read(fd, base + done, size - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { readFailure = n == 0 ? "file shrank while reading" : FileErrorWords.reason(errno: errno, path: path); break }
            done += n
        }
        initialized = done
    }
    if let readFailure { throw failure(readFailure) }
    return bytes
}
