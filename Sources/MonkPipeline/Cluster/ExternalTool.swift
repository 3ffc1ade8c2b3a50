// Runs a scheduler's command-line tool (sbatch, squeue, kubectl) found on PATH, with the
// caller's environment, and returns what it printed.
import Foundation

public struct ExternalTool: Sendable {
    public let name: String
    public let url: URL
    let environment: [String: String]

    /// The tool `name` on `environment`'s PATH, or nil when it is not installed.
    public init?(_ name: String, environment: [String: String]) {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let found = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        guard let url = found else { return nil }
        self.name = name
        self.url = url
        self.environment = environment
    }

    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs the tool to completion. Output goes through temporary files, not pipes, so a
    /// chatty tool cannot block on a full pipe while we wait for it.
    public func run(_ arguments: [String]) throws -> Output {
        let p = Process()
        p.executableURL = url
        p.arguments = arguments
        p.environment = environment
        let dir = FileManager.default.temporaryDirectory
        let tag = UUID().uuidString
        let out = dir.appendingPathComponent("monkpipe-\(name)-\(tag).out")
        let err = dir.appendingPathComponent("monkpipe-\(name)-\(tag).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        p.standardOutput = outHandle
        p.standardError = errHandle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try? outHandle.close()
        try? errHandle.close()
        return Output(status: p.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Runs the tool and returns its stdout, or throws with its stderr when it fails.
    public func check(_ arguments: [String]) throws -> String {
        let o = try run(arguments)
        guard o.status == 0 else { throw Failure(command: [name] + arguments, output: o) }
        return o.stdout
    }

    public struct Failure: Error, CustomStringConvertible {
        public var command: [String]
        public var output: Output
        public var description: String {
            let why = output.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(ShellWords.join(command)) failed (exit \(output.status))" + (why.isEmpty ? "" : ": \(why)")
        }
    }
}
