// Writes that never leave a half file behind: a temporary file in the same folder, then rename.
// Internal: MonkPipeline has its own public AtomicFile, and two public ones would clash.
import Foundation

enum AtomicFile {
    /// Writes `data` to `url` atomically, creating the parent folder if needed. Readers see
    /// either the old file or the complete new one, even across crashes (rename(2) is atomic).
    static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try data.write(to: tmp)
            guard rename(tmp.path, url.path) == 0 else {
                throw FileReadError(description: "rename to \(url.path) failed: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }
}
