// Runs the built `monkpipe` executable as a user would: a child process with its own working
// directory, stdout and stderr captured in files (no pipe can fill up and block the child).
import Foundation
import Testing

/// What one run of the binary printed and how it ended.
struct CommandResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\n--- stdout ---\n\(stdout)\n--- stderr ---\n\(stderr)" }
}

/// Locates the repository, the shared folder and the built binary.
enum TestEnvironment {
    /// The repository root: the first directory above this file holding Package.swift.
    static let repoRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `MONKPIPE_SHARED_DIR`, else `shared/` beside the clone (CI copies it there).
    static var sharedDir: URL {
        if let env = ProcessInfo.processInfo.environment["MONKPIPE_SHARED_DIR"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        return repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The `monkpipe` executable built next to this test bundle (`swift build --build-tests`
    /// builds both into the same products directory), or `MONKPIPE_BINARY`.
    static func binary() throws -> URL {
        let env = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let b = env["MONKPIPE_BINARY"], !b.isEmpty { candidates.append(URL(fileURLWithPath: b)) }
        // The test runner is `<products>/monkpipePackageTests.xctest` (an executable on Linux);
        // /proc/self/exe names it even when the runner was started through a helper.
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            // On macOS the binary sits inside the bundle: …/X.xctest/Contents/MacOS/X.
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("monkpipe"))
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("monkpipe"))
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: c.path, isDirectory: &isDir), !isDir.boolValue { return c }
        }
        throw BinaryMissing(searched: candidates.map(\.path))
    }
}

struct BinaryMissing: Error, CustomStringConvertible {
    var searched: [String]
    var description: String {
        "the monkpipe executable was not found (build it with `swift build --build-tests`, or set MONKPIPE_BINARY); searched: "
            + searched.joined(separator: ", ")
    }
}

/// A fresh temporary directory, removed by `cleanUp()`.
struct TempDir {
    let url: URL
    init(_ label: String) throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("monkpipe-e2e-\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }
    func write(_ text: String, to relative: String) throws {
        let u = path(relative)
        try FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: u)
    }
    func cleanUp() { try? FileManager.default.removeItem(at: url) }
}

/// A started child process; `wait()` collects its output.
final class RunningCommand: @unchecked Sendable {
    let process = Process()
    let out: URL
    let err: URL

    /// `executable` defaults to the built monkpipe; `input`, when given, is the child's standard
    /// input (else it reads an empty one).
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:], executable: URL? = nil,
         input: Pipe? = nil) throws {
        process.executableURL = try executable ?? TestEnvironment.binary()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let tag = UUID().uuidString.prefix(8)
        out = directory.appendingPathComponent(".stdout-\(tag)")
        err = directory.appendingPathComponent(".stderr-\(tag)")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
    }

    /// What the child has written to stdout so far.
    var stdoutSoFar: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }

    /// Waits at most `timeout` seconds, then kills the child (and records that as a failure).
    func wait(timeout: TimeInterval = 120) -> CommandResult {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("monkpipe \(process.arguments ?? []) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        let result = CommandResult(status: process.terminationStatus,
                                   stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                                   stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
        return result
    }
}

/// Runs `monkpipe arguments…` in `directory` to completion.
func monkpipe(_ arguments: [String], in directory: URL, environment: [String: String] = [:],
              timeout: TimeInterval = 120) throws -> CommandResult {
    try RunningCommand(arguments, in: directory, environment: environment).wait(timeout: timeout)
}

/// Parses one JSON document (object or array).
func parseJSON(_ text: String) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
}
