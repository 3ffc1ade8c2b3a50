// Reading files that come from outside monkpipe, with POSIX calls: only regular files (a FIFO
// blocks `open` forever, a device never ends), bounded in size, and with the reason in
// monkpipe's words for file errors ("permission denied", "no such file").
import Foundation
import MonkEngine
import MonkVocabulary

/// Why a file could not be read; `description` completes "<path>: …" or "cannot read file: …".
public enum FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the system refused, in FileErrorWords' words.
    case system(String)
    /// Not a regular file: "a FIFO (named pipe)", "a folder", …
    case notRegular(String)
    /// A symbolic link whose target does not exist.
    case danglingLink(target: String)
    case tooLarge(bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .system(let why): return why
        case .notRegular(let kind): return "is \(kind), not a regular file"
        case .danglingLink(let target): return "is a symbolic link to \(target), which does not exist"
        case let .tooLarge(bytes, limit): return "is \(ByteCount.text(bytes)), more than the limit of \(ByteCount.text(limit))"
        }
    }
}

public enum FileBytes {
    /// The kind of a non-regular file, as a noun phrase.
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    /// Opens `path` for reading and checks that it is a regular file of at most `maxBytes`.
    /// O_NONBLOCK keeps `open` from waiting for a writer on a FIFO; the caller closes the
    /// descriptor.
    static func openRegular(_ path: String, maxBytes: Int) throws(FileReadError) -> (fd: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT, let target = danglingTarget(path) { throw .danglingLink(target: target) }
            throw .system(FileErrorWords.reason(errno: code, path: path))
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let why = FileErrorWords.reason(errno: errno, path: path)
            close(fd)
            throw .system(why)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .notRegular(kind(st.st_mode))
        }
        let size = Int(st.st_size)
        guard size <= maxBytes else {
            close(fd)
            throw .tooLarge(bytes: size, limit: maxBytes)
        }
        return (fd, size)
    }

    /// The target of `path` when it is a symbolic link whose target is missing.
    static func danglingTarget(_ path: String) -> String? {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buffer, buffer.count - 1)
        return n >= 0 ? String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }

    /// The whole file, which must be a regular file of at most `maxBytes`.
    public static func read(_ url: URL, maxBytes: Int = .max) throws(FileReadError) -> Data {
        let (fd, size) = try openRegular(url.path, maxBytes: maxBytes)
        defer { close(fd) }
        var data = Data(count: size)
        var total = 0
        let failure: Int32 = data.withUnsafeMutableBytes { raw in
            while total < raw.count {
                let n = Foundation.read(fd, raw.baseAddress! + total, raw.count - total)
                if n < 0 { if errno == EINTR { continue }; return errno }
                if n == 0 { break }
                total += n
            }
            return 0
        }
        if failure != 0 { throw .system(FileErrorWords.reason(errno: failure, path: url.path)) }
        if total < data.count { data.removeSubrange(total...) }
        return data
    }

    /// SHA-256 (hex) of a regular file's bytes, read a piece at a time: memory stays constant
    /// however large the file is.
    public static func sha256(_ url: URL) throws(FileReadError) -> String {
        let (fd, _) = try openRegular(url.path, maxBytes: .max)
        defer { close(fd) }
        var hasher = SHA256()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = Foundation.read(fd, buffer.baseAddress!, chunk)
            if n < 0 {
                if errno == EINTR { continue }
                throw .system(FileErrorWords.reason(errno: errno, path: url.path))
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return hasher.hexDigest()
    }
}
