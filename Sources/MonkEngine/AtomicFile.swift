// Crash-safe writes: a temporary file in the same directory, flushed, then renamed into place.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes files so that a crash (kill -9, power loss) leaves either the old content or the
/// new content at the path, never a half-written file that looks complete. Shared by the
/// data, model and pipeline layers (checkpoints, manifests, pixel cache, stage records).
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// `durable: false` skips the fsyncs: for caches whose entries are checked when read and
    /// simply recomputed when damaged (the pixel cache), where thousands of fsyncs would cost
    /// more than the work they protect.
    public static func write(_ data: Data, to url: URL, durable: Bool = true) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(tmp.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw WriteError(path: url.path, reason: FileSystemError.reason(errno: errno, path: url.path)) }
        var ok = true
        var reason = ""
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false; reason = FileSystemError.reason(errno: errno, path: url.path); return
                }
                off += n
            }
        }
        if ok && durable && fsync(fd) != 0 { ok = false; reason = FileSystemError.reason(errno: errno, path: url.path) }
        close(fd)
        guard ok else { unlink(tmp.path); throw WriteError(path: url.path, reason: reason) }
        guard rename(tmp.path, url.path) == 0 else {
            let why = FileSystemError.reason(errno: errno, path: url.path)
            unlink(tmp.path)
            throw WriteError(path: url.path, reason: why)
        }
        // Make the rename itself durable.
        if durable {
            let dfd = open(dir.path, O_RDONLY)
            if dfd >= 0 { fsync(dfd); close(dfd) }
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// JSON with sorted keys and pretty printing: stable bytes for stable content.
    public static func writeJSON<T: Encodable>(_ value: T, to url: URL) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try write(enc.encode(value), to: url)
    }
}
