// Content hashes of the files a pipeline reads, remembered by (size, mtime, inode) so that a
// re-plan of an unchanged 5,000-image folder does not read every byte again.
import Foundation
import MonkEngine
import MonkData
#if canImport(Glibc)
import Glibc
#endif

/// A persistent map from file identity to SHA-256. An entry is trusted only while the file's
/// size, modification time (ns) and inode are unchanged; otherwise the file is hashed again.
public final class FileFingerprints: @unchecked Sendable {
    struct Entry: Codable {
        var size: Int64
        var mtimeNanos: Int64
        var inode: UInt64
        var sha256: String
    }

    let url: URL?
    private var entries: [String: Entry]
    private var dirty = false
    private let lock = NSLock()

    /// `url` nil keeps the map in memory only.
    public init(url: URL?) {
        self.url = url
        if let url, let data = try? Data(contentsOf: url),
           let decoded = try? JSONDecoder().decode([String: Entry].self, from: data) {
            entries = decoded
        } else {
            entries = [:]
        }
    }

    /// SHA-256 of the file's bytes (hex), read in pieces (memory does not grow with the file).
    /// Only regular files are read: a FIFO or a device is refused by name, never waited on.
    public func hash(_ file: URL) throws -> String {
        let path = file.standardizedFileURL.path
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw PipelineError.unreadableFile(path: path, reason: FileSystemError.reason(errno: errno, path: path))
        }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        if let e = lock.withLock({ entries[path] }), e.size == Int64(st.st_size), e.mtimeNanos == mtime, e.inode == UInt64(st.st_ino) {
            return e.sha256
        }
        let digest: String
        do { digest = try FileBytes.sha256(URL(fileURLWithPath: path)) } catch {
            throw PipelineError.unreadableFile(path: path, reason: error.description)
        }
        lock.withLock {
            entries[path] = Entry(size: Int64(st.st_size), mtimeNanos: mtime, inode: UInt64(st.st_ino), sha256: digest)
            dirty = true
        }
        return digest
    }

    /// Writes the map back if anything was added.
    public func save() {
        guard let url else { return }
        let snapshot: [String: Entry]? = lock.withLock { dirty ? entries : nil }
        guard let snapshot else { return }
        try? AtomicFile.writeJSON(snapshot, to: url)
        lock.withLock { dirty = false }
    }
}
