// Ctrl-C through the real binary: SIGINT during training exits 130 after saving, the same
// command resumes, and the final weights equal those of an uninterrupted run byte for byte.
import Foundation
import Testing

@Suite("monkpipe binary: Ctrl-C and resume")
struct InterruptResumeTests {
    static let experiments = "  only: {}\n"

    @Test func interruptedRunResumesToTheSameWeights() throws {
        // Enough batches per epoch (48 training images in batches of 4) that the signal lands
        // mid-training; one thread so the two runs compute identically.
        let interrupted = try TinyProject("interrupted", perClass: 32, testPerClass: 2, epochs: 3, experiments: Self.experiments)
        let reference = try TinyProject("reference", perClass: 32, testPerClass: 2, epochs: 3, experiments: Self.experiments)
        defer { interrupted.cleanUp(); reference.cleanUp() }

        let referenceRun = try RunningCommand(["run", reference.spec], in: reference.url)
        let first = try RunningCommand(["run", interrupted.spec], in: interrupted.url)
        // Training has started once the progress line of epoch 1 is out.
        let deadline = Date().addingTimeInterval(60)
        while first.process.isRunning && !first.stdoutSoFar.contains("epoch 1/3") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        try #require(first.process.isRunning, "the run ended before it could be interrupted:\n\(first.wait())")
        kill(first.process.processIdentifier, SIGINT)
        let stopped = first.wait()
        #expect(stopped.status == 130, "\(stopped)")
        #expect(stopped.stderr.contains("Run the same command again to resume"), "\(stopped)")
        // The bar's last line shows the batch it stopped at, the one the message names, not
        // a full bar (it used to draw 12/12 whatever the batch).
        let barLine = try #require(stopped.stdout.split(separator: "\n").last { $0.hasSuffix("stopped") }, "\(stopped)")
        let counts = try #require(barLine.firstMatch(of: #/ (\d+)/(\d+) [0-9.]+ batch\/s/#), "\(barLine)")
        let saved = try #require(stopped.stderr.firstMatch(of: #/saved at epoch \d+, batch (\d+)/#), "\(stopped)")
        #expect(counts.1 == saved.1 && Int(counts.1)! < Int(counts.2)!, "\(barLine) / \(stopped.stderr)")
        #expect(interrupted.exists("workspace/tiny/only/output/models/resume.monksnap"), "no checkpoint after Ctrl-C")
        let state = try #require(try parseJSON(String(contentsOf: interrupted.dir.path("workspace/tiny/only/experiment-state.json"), encoding: .utf8)) as? [String: Any])
        #expect(state["status"] as? String == "stopped", "\(state["status"] ?? "nil")")

        let resumed = try monkpipe(["run", interrupted.spec], in: interrupted.url)
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.contains("resuming from epoch"), "\(resumed)")
        let whole = referenceRun.wait()
        try #require(whole.status == 0, "\(whole)")

        for file in ["best.safetensors", "final.safetensors"] {
            let path = "workspace/tiny/only/output/models/\(file)"
            let a = try Data(contentsOf: interrupted.dir.path(path))
            let b = try Data(contentsOf: reference.dir.path(path))
            #expect(a.count > 1000)
            #expect(a == b, "\(file) differs between the resumed and the uninterrupted run")
        }
        // The same weights give the same test metrics, and the history has every epoch once.
        let metrics = "workspace/tiny/only/output/test/metrics.json"
        #expect(try Data(contentsOf: interrupted.dir.path(metrics)) == Data(contentsOf: reference.dir.path(metrics)))
        let history = try String(contentsOf: interrupted.dir.path("workspace/tiny/only/output/logs/history.csv"), encoding: .utf8)
        #expect(history.split(separator: "\n").map { $0.prefix(2) } == ["ep", "1,", "2,", "3,"], "\(history)")
    }
}
