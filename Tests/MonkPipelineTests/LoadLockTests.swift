// Jobs of one sweep may start together (Kubernetes pods have no dependencies): the load stage
// runs under a lock that a second run waits for, then it reads what the first one wrote.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct LoadLockTests {
    /// A waiting lock names the holder once, blocks until it is released, then holds the lock.
    @Test func waitingLockBlocksUntilReleased() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("monkpipe-lock-\(UUID().uuidString)/x.lock")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let first = try RunLock(url, command: "monkpipe run first.yaml")
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do {
                let second = try RunLock(url, command: "monkpipe run second.yaml") { holder in box.set(holder?.command) }
                box.acquired(RunLock.holder(at: url)?.command)
                second.release()
            } catch { box.set("error: \(error)") }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 1) == .timedOut, "the second lock did not wait")
        #expect(box.announced == "monkpipe run first.yaml")
        first.release()
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(box.holderAfter == "monkpipe run second.yaml")
    }

    /// The lock is probed without taking it: nobody, then the holder, then nobody.
    @Test func holderIsReadWithoutTakingTheLock() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("monkpipe-lock-\(UUID().uuidString)/x.lock")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        #expect(RunLock.holder(at: url) == nil)
        let lock = try RunLock(url, command: "monkpipe run a.yaml")
        #expect(RunLock.holder(at: url)?.command == "monkpipe run a.yaml")
        #expect(RunLock.holder(at: url)?.pid == getpid())
        lock.release()
        #expect(RunLock.holder(at: url) == nil)
    }

    /// Two runs of different experiments started at once on a fresh workspace both finish,
    /// and the load stage is recorded once, under one key.
    @Test func concurrentExperimentRunsShareOneLoad() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1)
        let results = Box()
        let group = DispatchGroup()
        for name in ["sgd", "adam"] {
            group.enter()
            Thread.detachNewThread {
                do {
                    let runner = PipelineRunner(plan: try f.plan(spec), options: RunOptions(selection: StageSelection(experiments: [name]), environment: [:]),
                                                console: .silent)
                    let report = try runner.run()
                    results.set(report.failed ? "\(name) failed" : nil)
                } catch { results.set("\(name): \(error)") }
                group.leave()
            }
        }
        #expect(group.wait(timeout: .now() + 120) == .success)
        #expect(results.announced == nil, "\(results.announced ?? "")")
        let loads = try FileManager.default.contentsOfDirectory(atPath: f.workspace.appendingPathComponent(".cache/load").path)
        #expect(loads.filter { !$0.hasSuffix(".lock") }.count == 1, "\(loads)")
        #expect(!loads.contains { $0.hasSuffix(".lock") }, "the load lock was left behind: \(loads)")
        #expect(try f.runner(spec).clusterWork().experiments.isEmpty)
    }
}

/// A value set from another thread.
final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var first: String?
    private var after: String?
    func set(_ v: String?) { lock.withLock { if first == nil { first = v } } }
    func acquired(_ v: String?) { lock.withLock { after = v } }
    var announced: String? { lock.withLock { first } }
    var holderAfter: String? { lock.withLock { after } }
}
