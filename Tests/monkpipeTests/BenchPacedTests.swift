// `monkpipe bench --paced` driven through a pipe, as benchmarks/train_vs_torch.py --paired drives
// it: one timed step per line sent and none without one, a parsable line per step, no CPU spent
// while it waits, the end of its input ending it with the usual summary, and the refusals.
import Foundation
import Testing

@Suite("monkpipe binary: bench --paced")
struct BenchPacedTests {
    static let tiny = ["bench", "--model", "resnet18_v1", "--size", "32", "--batch", "2", "--mode", "train", "--warmup", "1", "--paced"]

    /// The lines of `text` that are paced events, parsed.
    static func events(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").filter { $0.hasPrefix("{\"paced\"") }
            .map { try #require(try parseJSON(String($0)) as? [String: Any]) }
    }

    /// Waits up to `timeout` seconds for `count` paced events on the child's output.
    static func waitForEvents(_ child: RunningCommand, count: Int, timeout: TimeInterval = 120) throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let e = try events(child.stdoutSoFar)
            if e.count >= count { return e }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return try events(child.stdoutSoFar)
    }

    /// User + system CPU of process `pid` so far, in clock ticks (/proc/PID/stat fields 14 and 15).
    static func cpuTicks(_ pid: Int32) throws -> Int {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
        let fields = try #require(stat.split(separator: ")").last).split(separator: " ")
        return try #require(Int(fields[11])) + #require(Int(fields[12]))
    }

    @Test func oneTimedStepPerLineAndNoneWithout() throws {
        let dir = try TempDir("paced")
        defer { dir.cleanUp() }
        let input = Pipe()
        let child = try RunningCommand(Self.tiny, in: dir.url, input: input)
        let send = { (lines: Int) in input.fileHandleForWriting.write(Data(String(repeating: "go\n", count: lines).utf8)) }

        // Warmed up, it says so and waits: no timed step, and (blocked in a read) no CPU.
        var e = try Self.waitForEvents(child, count: 1)
        #expect(e.count == 1 && e[0]["paced"] as? String == "ready" && e[0]["mode"] as? String == "train"
                && e[0]["warmup"] as? Int == 1, "\(child.stdoutSoFar)")
        Thread.sleep(forTimeInterval: 0.3)  // the warm-up's worker threads go to sleep
        let idle0 = try Self.cpuTicks(child.process.processIdentifier)
        Thread.sleep(forTimeInterval: 1.5)
        let idle = try Self.cpuTicks(child.process.processIdentifier) - idle0
        #expect(idle <= 5, "a waiting bench used \(idle) clock ticks of CPU in 1.5 s (a spinning one uses ~150)")
        #expect(try Self.events(child.stdoutSoFar).count == 1, "a step ran before a line asked for it")

        send(1)
        e = try Self.waitForEvents(child, count: 2)
        Thread.sleep(forTimeInterval: 1.0)
        #expect(try Self.events(child.stdoutSoFar).count == 2, "one line, more than one step: \(child.stdoutSoFar)")

        send(2)
        e = try Self.waitForEvents(child, count: 4)
        try input.fileHandleForWriting.close()
        let r = child.wait(timeout: 120)
        #expect(r.status == 0, "\(r)")
        e = try Self.events(r.stdout)
        let steps = e.filter { $0["paced"] as? String == "step" }
        #expect(steps.map { $0["step"] as? Int } == [1, 2, 3], "\(r)")
        for s in steps {
            let wall = try #require(s["wall_ms"] as? Double, "\(r)"), cpu = try #require(s["cpu_ms"] as? Double, "\(r)")
            #expect(wall > 0 && wall < 60_000 && cpu > 0 && cpu < 2 * wall + 100, "\(s)")
        }
        // Then the usual summary, of those three steps.
        let summary = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(summary.hasPrefix("train resnet18_v1 32px batch 2: ") && summary.contains("peak RSS "), "\(r)")
    }

    @Test func iterationsCapTheStepsAndJSONSummarises() throws {
        let dir = try TempDir("paced")
        defer { dir.cleanUp() }
        let input = Pipe()
        let child = try RunningCommand(Self.tiny + ["--iterations", "2", "--json"], in: dir.url, input: input)
        input.fileHandleForWriting.write(Data("a\nb\nc\nd\n".utf8))
        let r = child.wait(timeout: 120)  // without the end of its input: --iterations ends it
        #expect(r.status == 0, "\(r)")
        #expect(try Self.events(r.stdout).map { $0["paced"] as? String } == ["ready", "step", "step"], "\(r)")
        let last = try #require(r.stdout.split(separator: "\n").last.map(String.init))
        let summary = try #require(try parseJSON(last) as? [String: Any], "\(r)")
        #expect(summary["mode"] as? String == "train" && (summary["peak_rss_mb"] as? Double ?? 0) > 0, "\(r)")
        #expect((summary["ms_per_iter"] as? Double ?? 0) > 0, "\(r)")
    }

    @Test func anEmptyInputTimesNothingAndSaysSo() throws {
        let dir = try TempDir("paced")
        defer { dir.cleanUp() }
        let r = try monkpipe(Self.tiny + ["--warmup", "0"], in: dir.url, timeout: 120)  // standard input: /dev/null
        #expect(r.status == 1, "\(r)")
        #expect(try Self.events(r.stdout).map { $0["paced"] as? String } == ["ready"], "\(r)")
        #expect(r.stderr.contains("standard input ended before the first timed train step was asked for"), "\(r)")
    }

    @Test func refusesWhatCannotBePaced() throws {
        let dir = try TempDir("paced")
        defer { dir.cleanUp() }
        let versus = try monkpipe(["bench", "--mode", "train", "--paced", "--versus-products", "openblas"], in: dir.url)
        #expect(versus.status == 64 && versus.stderr.contains("give one or the other"), "\(versus)")
        let both = try monkpipe(["bench", "--paced"], in: dir.url)
        #expect(both.status == 64 && both.stderr.contains("give --mode train or --mode infer"), "\(both)")
        let kernels = try monkpipe(["bench", "--kernels", "conv", "--paced"], in: dir.url)
        #expect(kernels.status == 64 && kernels.stderr.contains("not --data or --kernels"), "\(kernels)")
        let data = try monkpipe(["bench", "--mode", "train", "--data", ".", "--paced"], in: dir.url)
        #expect(data.status == 64 && data.stderr.contains("not --data or --kernels"), "\(data)")
    }
}
