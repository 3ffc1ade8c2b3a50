// A real one-node Slurm for the tests: scripts/local-slurm.sh starts munged, slurmctld and
// slurmd under a temporary directory (own key, socket, ports); `stop()` ends them by their
// pid files. Queries go through the real squeue/scontrol of that cluster.
import Foundation
import Testing

struct LocalSlurm {
    let dir: TempDir
    let conf: URL

    var environment: [String: String] { ["SLURM_CONF": conf.path] }

    static var script: URL { TestEnvironment.repoRoot.appendingPathComponent("scripts/local-slurm.sh") }

    /// Starts a cluster; throws with the script's output when the daemons are missing or do
    /// not come up (`make test` installs slurmctld, slurmd, slurm-client and munge).
    init() throws {
        dir = try TempDir("slurm")
        let out = try Self.run(Self.script.path, ["start", dir.url.path])
        guard out.status == 0 else {
            dir.cleanUp()
            throw SlurmUnavailable(detail: out.stdout + out.stderr)
        }
        conf = dir.path("slurm.conf")
    }

    func stop() {
        _ = try? Self.run(Self.script.path, ["stop", dir.url.path])
        dir.cleanUp()
    }

    /// `<job>` or `<array>_<index>` → (state, reason), for every job the cluster still lists
    /// (finished ones stay for MinJobAge, 600 s in this configuration).
    func jobs() throws -> [String: (state: String, reason: String)] {
        let out = try tool("squeue", ["--noheader", "--array", "--states=all", "--format=%i|%T|%r"])
        var result: [String: (String, String)] = [:]
        for line in out.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            if f.count == 3 { result[f[0]] = (f[1], f[2]) }
        }
        return result
    }

    /// Polls until `done` holds for the job table, or fails the test after `timeout`.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 240,
                 _ done: ([String: (state: String, reason: String)]) -> Bool) throws -> [String: (state: String, reason: String)] {
        let deadline = Date().addingTimeInterval(timeout)
        var last: [String: (state: String, reason: String)] = [:]
        while Date() < deadline {
            last = try jobs()
            if done(last) { return last }
            Thread.sleep(forTimeInterval: 0.5)
        }
        Issue.record("timed out waiting for \(what); jobs: \(last.map { "\($0.key) \($0.value.state) \($0.value.reason)" }.sorted())")
        return last
    }

    static let terminal: Set<String> = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE"]

    /// Runs a Slurm client tool against this cluster and returns its stdout.
    @discardableResult
    func tool(_ name: String, _ arguments: [String]) throws -> String {
        let out = try Self.run("/usr/bin/env", [name] + arguments, environment: environment)
        guard out.status == 0 else { throw SlurmUnavailable(detail: "\(name) \(arguments): \(out.stderr)") }
        return out.stdout
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let dir = FileManager.default.temporaryDirectory
        let out = dir.appendingPathComponent("slurm-test-\(UUID().uuidString).out")
        let err = dir.appendingPathComponent("slurm-test-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "", (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

struct SlurmUnavailable: Error, CustomStringConvertible {
    var detail: String
    var description: String { "the local Slurm could not be started or asked (install slurmctld slurmd slurm-client munge: `make test` does): \(detail)" }
}
