// `--set`, `data.limit`, the warnings about dropped settings and `plan`'s estimates, through
// the binary as a user types them (issue 11 items 8, 9 and 11).
import Foundation
import Testing

@Suite("monkpipe binary: --set, data.limit, warnings and estimates")
struct SetOptionTests {
    /// The shipped sweep drops the defaults' nesterov: validate says so, naming the lines.
    @Test func validateWarnsAboutTheShippedSweep() throws {
        let sweep = TestEnvironment.repoRoot.appendingPathComponent("examples/sweep.yaml").path
        let r = try monkpipe(["validate", sweep], in: TestEnvironment.repoRoot)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.contains("warning: \(sweep): the sweep value `optimizer: sgd` (line 33) replaces the whole optimizer setting, so `momentum: 0.9` (line 27) and `nesterov: true` (line 27) written at defaults.optimizer are not used (experiments sgd-lr0.002, sgd-lr0.01)"), "\(r)")
    }

    @Test func setRunsAQuickIterationAndPlanEstimatesTheRest() throws {
        // 8 train images per class (2 of them validation at 0.25) and 2 test images per class.
        let p = try TinyProject("set", perClass: 8, testPerClass: 2, epochs: 2)
        defer { p.cleanUp() }
        let bad = try monkpipe(["validate", p.spec, "--set", "experiments.adam.optimizer.lr=abc"], in: p.url)
        #expect(bad.status == 2, "\(bad)")
        #expect(bad.stderr.contains("tiny.yaml: error: --set experiments.adam.optimizer.lr=abc: expected a number, found 'abc'"), "\(bad)")
        let typo = try monkpipe(["plan", p.spec, "--set", "defaults.epoch=1"], in: p.url)
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'epochs'?"), "\(typo)")
        #expect(try monkpipe(["plan", p.spec, "--set", "defaults.epochs"], in: p.url).status == 64)

        let quick = ["--set", "defaults.epochs=1", "--set", "data.limit=0.5"]
        let run = try monkpipe(["run", p.spec, "--experiment", "sgd", "--quiet"] + quick, in: p.url)
        #expect(run.status == 0, "\(run)")
        // Half of each folder: 8 of 16 train images (6 train + 2 validation after the split),
        // 2 of 4 test images.
        let state = try #require(try parseJSON(String(contentsOf: p.experiment("sgd").appendingPathComponent("experiment-state.json"), encoding: .utf8)) as? [String: Any])
        #expect(state["overrides"] as? [String] == ["--set defaults.epochs=1", "--set data.limit=0.5"])
        let training = try #require(state["training"] as? [String: Any])
        #expect(training["trainImages"] as? Int == 6 && training["validationImages"] as? Int == 2 && training["epochsRun"] as? Int == 1, "\(training)")
        #expect((state["test"] as? [String: Any])?["images"] as? Int == 2)

        // With the same options, sgd is cached; adam has not run: it gets an estimate from a
        // timing, with the load stage's exact counts.
        let plan = try monkpipe(["plan", p.spec] + quick, in: p.url)
        #expect(plan.status == 0, "\(plan)")
        #expect(plan.stdout.contains("train/sgd                   cached"), "\(plan)")
        #expect(plan.stdout.contains(": 6 train + 2 validation images per epoch × 1 epoch at "), "\(plan)")
        #expect(plan.stdout.contains("(timed now: a few steps of the network on this machine)"), "\(plan)")
        // Without the options the file's settings are another plan: nothing of it is cached.
        let file = try monkpipe(["plan", p.spec], in: p.url)
        #expect(!file.stdout.contains("cached"), "\(file)")
        // More epochs for sgd: its last run's speed, as JSON too.
        let json = try monkpipe(["plan", p.spec, "--json", "--set", "defaults.epochs=3", "--set", "data.limit=0.5"], in: p.url)
        let lines = try #require(try parseJSON(json.stdout) as? [[String: Any]])
        let sgd = try #require(lines.first { $0["stage"] as? String == "train/sgd" }?["estimate"] as? [String: Any])
        #expect(sgd["source"] as? String == "last_run" && sgd["epochs"] as? Int == 3 && sgd["train_images"] as? Int == 6, "\(sgd)")
        let seconds = try #require(sgd["seconds"] as? Double), train = try #require(sgd["train_images_per_second"] as? Double)
        let eval = try #require(sgd["eval_images_per_second"] as? Double)
        #expect(abs(seconds - 3 * (6 / train + 2 / eval)) < 1e-6)
        #expect(lines.first { $0["stage"] as? String == "load" }?["estimate"] == nil)
    }
}
