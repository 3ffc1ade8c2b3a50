// One writer per experiment: an flock'ed lock file that names its holder and dies with it.
import Foundation
import MonkEngine
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a directory, held by a running process.
///
/// The kernel's `flock` does the locking, so a process killed with -9 releases it at once; the
/// file's content (pid, host, start time, command) only serves the error message. A lock file
/// left by a dead process is therefore simply taken over.
public final class RunLock {
    public struct Holder: Codable, Sendable, Equatable {
        public var pid: Int32
        public var host: String
        public var started: String
        public var command: String
    }

    /// Another process holds the lock (exit status 3, `ExitStatus.locked`). A lock file that
    /// cannot be opened (permission denied, a folder in its place) is no holder: `init` throws
    /// a `FileSystemError` for it, which fails the stage like any other file error (status 1).
    public enum LockError: Error, CustomStringConvertible {
        case held(path: String, by: Holder?)
        public var description: String {
            switch self {
            case let .held(path, holder):
                if let h = holder {
                    return "another monkpipe run (pid \(h.pid) on \(h.host), started \(h.started): \(h.command)) is writing here; lock \(path)"
                }
                return "another monkpipe run is writing here; lock \(path)"
            }
        }
    }

    public let url: URL
    private var fd: Int32
    /// The holder recorded in the file when we took it over from a process that had died.
    public let tookOverFrom: Holder?

    /// Takes the lock, or throws `held` when another process has it (a `FileSystemError` when
    /// the file cannot be opened, which is left as it is). With `waiting`, it
    /// instead calls `waiting` with the holder once and blocks until the lock is free.
    public init(_ url: URL, command: String = CommandLine.arguments.joined(separator: " "),
                waiting: ((Holder?) -> Void)? = nil) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var fd: Int32 = -1
        var previous: Holder?
        var announced = false
        // A holder releasing between our open and our flock unlinks the file we opened: the
        // lock we then get is on a dead inode another run can bypass, so open the path again.
        for _ in 0..<8 {
            fd = open(url.path, O_RDWR | O_CREAT, 0o644)
            guard fd >= 0 else {
                throw FileSystemError(action: "open lock file", path: url.path, reason: FileSystemError.reason(errno: errno, path: url.path))
            }
            previous = RunLock.readHolder(fd)
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard let waiting else {
                    close(fd)
                    throw LockError.held(path: url.path, by: previous)
                }
                if !announced { waiting(previous); announced = true }
                while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
            }
            if RunLock.isCurrentFile(fd, url.path) { break }
            close(fd)
            fd = -1
        }
        guard fd >= 0 else { throw LockError.held(path: url.path, by: previous) }
        self.url = url
        self.fd = fd
        self.tookOverFrom = previous
        let me = Holder(pid: getpid(), host: RunLock.hostName(),
                        started: ISO8601DateFormatter().string(from: Date()), command: command)
        if let data = try? JSONEncoder().encode(me) {
            ftruncate(fd, 0)
            data.withUnsafeBytes { _ = pwrite(fd, $0.baseAddress!, $0.count, 0) }
        }
    }

    /// This machine's host name (gethostname: no name lookup), as lock holders and scheduler
    /// attempts record it; in a Kubernetes pod, the pod's name.
    static func hostName() -> String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, 255)
        return String(cString: name)
    }

    /// Whether `fd` is still the file at `path` (same device and inode).
    private static func isCurrentFile(_ fd: Int32, _ path: String) -> Bool {
        var open = stat(), named = stat()
        guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    private static func readHolder(_ fd: Int32) -> Holder? {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buf, buf.count, 0)
        guard n > 0 else { return nil }
        return try? JSONDecoder().decode(Holder.self, from: Data(buf[0..<n]))
    }

    /// Who holds the lock at `url` now, without taking it: nil when nobody does. A holder
    /// whose file names no one (written by an older version) is reported with pid 0.
    public static func holder(at url: URL) -> Holder? {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // A shared lock is granted only while nobody holds the exclusive one.
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return readHolder(fd) ?? Holder(pid: 0, host: "", started: "", command: "")
    }

    /// Releases the lock and removes the file. Also done on deinit.
    public func release() {
        guard fd >= 0 else { return }
        unlink(url.path)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }

    /// Runs `body` holding the lock at `url` (every writer of an experiment or comparison
    /// goes through here); says so on `console` when it took over a dead run's lock.
    static func holding<T>(_ url: URL, console: Console, _ body: () throws -> T) throws -> T {
        let lock = try RunLock(url)
        defer { lock.release() }
        if let previous = lock.tookOverFrom {
            console.info("  (took over the lock of pid \(previous.pid), which is no longer running)")
        }
        return try body()
    }
}
