// Atomic writes and the run lock behave as the resume and concurrency promises need.
import Foundation
import Testing
import MonkEngine
@testable import MonkPipeline

@Suite struct WorkspaceFileTests {
    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("monk-ws-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func atomicWriteReplacesWholeFileAndLeavesNoTemporaries() throws {
        let dir = try tempDir()
        let url = dir.appendingPathComponent("sub/state.json")
        try AtomicFile.write("first", to: url)
        try AtomicFile.write("second, longer", to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "second, longer")
        let names = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(names == ["state.json"])
    }

    /// A write over a folder says so in the words of every other file error; it read
    /// "cannot write P: Is a directory" (strerror's).
    @Test func atomicWriteOverAFolderSaysItIsAFolder() throws {
        let dir = try tempDir()
        let url = dir.appendingPathComponent("state.json")
        try FileManager.default.createDirectory(at: url.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: url) }
        do { try AtomicFile.write("x", to: url) } catch { #expect("\(error)" == "cannot write \(url.path): it is a folder, not a file") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["state.json"], "no temporary file is left")
    }

    @Test func jsonIsSortedAndStable() throws {
        struct S: Codable { var b = 2; var a = 1 }
        let dir = try tempDir()
        let url = dir.appendingPathComponent("s.json")
        try AtomicFile.writeJSON(S(), to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == "{\n  \"a\" : 1,\n  \"b\" : 2\n}")
    }

    @Test func secondLockIsRefusedWithTheHolderNamed() throws {
        let dir = try tempDir()
        let url = dir.appendingPathComponent("run.lock")
        let first = try RunLock(url, command: "monkpipe run a.yaml")
        do {
            _ = try RunLock(url, command: "monkpipe run b.yaml")
            Issue.record("second lock was granted")
        } catch let e as RunLock.LockError {
            #expect(e.description.contains("pid \(getpid())"))
            #expect(e.description.contains("monkpipe run a.yaml"))
        }
        first.release()
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let again = try RunLock(url)
        #expect(again.tookOverFrom == nil)
    }

    /// A lock file that cannot be opened is a file error ("cannot open lock file P: it is a
    /// folder, not a file", status 1), not a `LockError` (another run: status 3); it stays.
    @Test func anUnopenableLockFileIsAFileErrorNotAHolder() throws {
        let dir = try tempDir()
        let url = dir.appendingPathComponent("run.lock")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        do {
            _ = try RunLock(url)
            Issue.record("a folder was taken as the lock")
        } catch let e as FileSystemError {
            #expect(e.description == "cannot open lock file \(url.path): it is a folder, not a file")
        } catch {
            Issue.record("\(type(of: error)): \(error)")
        }
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue)
    }

    @Test func staleLockFromDeadProcessIsTakenOver() throws {
        let dir = try tempDir()
        let url = dir.appendingPathComponent("run.lock")
        // What a process killed with -9 leaves: the file, with no flock held on it.
        let stale = RunLock.Holder(pid: 999_999, host: "h", started: "2026-01-01T00:00:00Z", command: "old")
        try JSONEncoder().encode(stale).write(to: url)
        let lock = try RunLock(url)
        #expect(lock.tookOverFrom == stale)
    }
}
