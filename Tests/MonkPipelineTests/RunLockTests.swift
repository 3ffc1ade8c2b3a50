// One writer per experiment: a held lock stops a second run with a message naming the
// holder; a lock file left by a dead process is taken over.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct RunLockTests {
    func temporaryLock() -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("monkpipe-lock-\(UUID().uuidString)/.lock")
    }

    @Test func secondLockOnTheSamePathNamesTheHolder() throws {
        let url = temporaryLock()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let first = try RunLock(url, command: "monkpipe run first.yaml")
        // flock conflicts between two open file descriptions even inside one process.
        do {
            _ = try RunLock(url, command: "monkpipe run second.yaml")
            Issue.record("the second lock was granted")
        } catch let RunLock.LockError.held(path, holder) {
            #expect(path == url.path)
            #expect(holder?.pid == getpid())
            #expect(holder?.command == "monkpipe run first.yaml")
        }
        first.release()
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let again = try RunLock(url)
        #expect(again.tookOverFrom == nil)  // released cleanly: nothing to take over
    }

    @Test func staleLockFileOfADeadProcessIsTakenOver() throws {
        let url = temporaryLock()
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        // A real pid that has exited: a child that ran and was reaped.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = RunLock.Holder(pid: child.processIdentifier, host: "h", started: "2026-11-27T22:00:00Z", command: "monkpipe run old.yaml")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONEncoder().encode(dead).write(to: url)
        let lock = try RunLock(url, command: "monkpipe run new.yaml")
        #expect(lock.tookOverFrom == dead)
        // The file now names the new holder.
        let now = try JSONDecoder().decode(RunLock.Holder.self, from: Data(contentsOf: url))
        #expect(now.pid == getpid() && now.command == "monkpipe run new.yaml")
    }

    /// Through the runner: the held experiment is reported as locked (not failed: the holder
    /// may well succeed) with the holder in its message, the comparison is not run, and
    /// nothing under the experiment was written, its state included.
    @Test func runnerRefusesAnExperimentAnotherRunHolds() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")
        let held = try RunLock(f.paths("sgd").lock, command: "monkpipe run other.yaml")
        let report = try f.runner(spec).run()
        #expect(!report.failed)
        #expect(report.locked.map(\.identity) == ["train/sgd"])
        let outcomes = Dictionary(uniqueKeysWithValues: report.stages.map { ($0.identity, $0.outcome) })
        guard case .locked(let why)? = outcomes["train/sgd"] else {
            Issue.record("train/sgd was not reported as locked: \(String(describing: outcomes["train/sgd"]))")
            return
        }
        #expect(why.contains("pid \(getpid())") && why.contains("monkpipe run other.yaml"))
        #expect(!FileManager.default.fileExists(atPath: f.paths("sgd").state.path))
        guard case .notRun? = outcomes["test/sgd"] else { Issue.record("test/sgd ran"); return }
        guard case .notRun? = outcomes["compare/cmp"] else { Issue.record("compare ran"); return }
        #expect(!FileManager.default.fileExists(atPath: f.paths("sgd").models.path))
        held.release()
    }
}
