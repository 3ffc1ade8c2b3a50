// `monkpipe submit --slurm` and `monkpipe status` on a real one-node Slurm started by the test
// (scripts/local-slurm.sh): a sweep equals a local run, a resubmission runs nothing, a failing
// experiment cancels only the comparison, and a requeued task resumes to the same weights.
// Job states are read from squeue: `sbatch --wait` would return 0 even for a job cancelled
// because its dependency failed. Each test has a cluster of its own, so they run in parallel.
import Foundation
import Testing

@Suite("monkpipe submit --slurm on a real Slurm")
struct SlurmEndToEndTests {
    /// Two named experiments × a two-point learning-rate grid: four experiments.
    static let sweep = "  sgd: {}\n  adam:\n    optimizer: {type: adam, lr: 0.003}\nsweep:\n  optimizer.lr: [0.05, 0.01]\n"

    struct Submitted {
        var load: String?
        var array: String?
        var compare: String?
        var experiments: [String]
        var directory: URL
    }

    static func submit(_ project: TinyProject, _ slurm: LocalSlurm, _ extra: [String] = []) throws -> Submitted {
        let r = try monkpipe(["submit", project.spec, "--slurm", "--json"] + extra, in: project.url, environment: slurm.environment)
        try #require(r.status == 0, "\(r)")
        let o = try #require(try parseJSON(r.stdout) as? [String: Any], "\(r)")
        return Submitted(load: o["load_job"] as? String, array: o["array_job"] as? String, compare: o["compare_job"] as? String,
                         experiments: o["experiments"] as? [String] ?? [], directory: URL(fileURLWithPath: o["directory"] as? String ?? "/"))
    }

    /// What a run's results are, wherever the project lies: test metrics and predictions (with
    /// the project's folder taken out of the image paths they name), and the weight files' bytes.
    static func results(_ project: TinyProject, _ experiment: String) throws -> [String: Data] {
        let root = project.experiment(experiment)
        var out: [String: Data] = [:]
        for file in ["output/test/metrics.json", "output/test/predictions.json"] {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            out[file] = Data(text.replacingOccurrences(of: project.url.path, with: "<project>")
                .replacingOccurrences(of: project.url.path.replacingOccurrences(of: "/", with: "\\/"), with: "<project>").utf8)
        }
        for file in ["output/models/best.safetensors", "output/models/final.safetensors"] {
            out[file] = try Data(contentsOf: root.appendingPathComponent(file))
        }
        return out
    }

    static func expectSameResults(_ a: TinyProject, _ b: TinyProject, _ experiment: String) throws {
        let x = try results(a, experiment), y = try results(b, experiment)
        for (file, data) in x.sorted(by: { $0.key < $1.key }) {
            #expect(data.count > 100 && data == y[file], "\(experiment): \(file) differs from the local run's")
        }
    }

    @Test func sweepMatchesALocalRunAndResubmittingRunsNothing() throws {
        let slurm = try LocalSlurm()
        let project = try TinyProject("slurm-sweep", experiments: Self.sweep)
        let reference = try TinyProject("slurm-reference", experiments: Self.sweep)
        defer { slurm.stop(); project.cleanUp(); reference.cleanUp() }

        let local = try RunningCommand(["run", reference.spec, "--quiet"], in: reference.url)
        let started = Date()
        let s = try Self.submit(project, slurm)
        #expect(s.experiments.count == 4)
        let load = try #require(s.load), array = try #require(s.array), compare = try #require(s.compare)
        let jobs = try slurm.waitFor("the comparison job") { LocalSlurm.terminal.contains($0[compare]?.state ?? "") }
        print("slurm sweep: 4 experiments and the comparison in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(jobs[load]?.state == "COMPLETED")
        for i in 0..<4 { #expect(jobs["\(array)_\(i)"]?.state == "COMPLETED", "task \(i): \(String(describing: jobs["\(array)_\(i)"]))") }
        #expect(jobs[compare]?.state == "COMPLETED")
        #expect(project.exists("workspace/comparison/cmp/comparison.csv"))
        #expect(project.exists("workspace/comparison/cmp/index.html"))

        let whole = local.wait(timeout: 240)
        try #require(whole.status == 0, "\(whole)")
        for e in s.experiments { try Self.expectSameResults(project, reference, e) }

        let status = try monkpipe(["status", project.spec, "--json"], in: project.url, environment: slurm.environment)
        let o = try #require(try parseJSON(status.stdout) as? [String: Any], "\(status)")
        let states = (o["experiments"] as? [[String: Any]] ?? []).map { $0["state"] as? String }
        #expect(states == Array(repeating: "finished", count: 4), "\(status)")
        #expect((o["comparison"] as? [String: Any])?["state"] as? String == "written")

        // Everything is cached now: nothing is written or submitted.
        let before = try slurm.jobs().count
        let again = try monkpipe(["submit", project.spec, "--slurm"], in: project.url, environment: slurm.environment)
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("nothing to submit"), "\(again)")
        #expect(try slurm.jobs().count == before)
        let submissions = try FileManager.default.contentsOfDirectory(atPath: s.directory.deletingLastPathComponent().path).filter { !$0.hasPrefix(".") }
        #expect(submissions.count == 1)
    }

    @Test func failingExperimentCancelsOnlyTheComparison() throws {
        let slurm = try LocalSlurm()
        let project = try TinyProject("slurm-failure", epochs: 1, experiments:
            "  sgd: {}\n  adam:\n    optimizer: {type: adam, lr: 0.003}\n  broken: {model: resnet18_v1, pretrained: broken.pth}\n")
        defer { slurm.stop(); project.cleanUp() }
        // A file that is not a weights file: planned fine (it exists), fails when loaded.
        try Data("not a weights file".utf8).write(to: project.dir.path("broken.pth"))

        let s = try Self.submit(project, slurm)
        let array = try #require(s.array), compare = try #require(s.compare)
        let broken = try #require(s.experiments.firstIndex(of: "broken"))
        let jobs = try slurm.waitFor("the comparison to be cancelled") { LocalSlurm.terminal.contains($0[compare]?.state ?? "") }
        #expect(jobs["\(array)_\(broken)"]?.state == "FAILED")
        for (i, e) in s.experiments.enumerated() where e != "broken" {
            #expect(jobs["\(array)_\(i)"]?.state == "COMPLETED", "\(e)")
            #expect(project.exists("workspace/tiny/\(e)/output/test/metrics.json"), "\(e)")
        }
        // Cancelled for good, not pending forever (--kill-on-invalid-dep=yes).
        #expect(jobs[compare]?.state == "CANCELLED")
        #expect(jobs[compare]?.reason == "DependencyNeverSatisfied")
        #expect(!project.exists("workspace/comparison/cmp/comparison.csv"))

        let text = try monkpipe(["status", project.spec], in: project.url, environment: slurm.environment)
        #expect(text.status == 0, "\(text)")
        let line = text.stdout.split(separator: "\n").first { $0.hasPrefix("broken ") }.map(String.init) ?? ""
        let log = s.directory.appendingPathComponent("logs/experiment-\(array)_\(broken).out").path
        #expect(line.contains("failed") && line.contains("job \(array)_\(broken)") && line.contains("log \(log)"), "\(text)")
        #expect(text.stdout.contains("| error: "), "the log's last lines: \(text)")
        #expect(text.stdout.contains("comparison  cancelled"), "\(text)")
        let json = try #require(try parseJSON(try monkpipe(["status", project.spec, "--json"], in: project.url, environment: slurm.environment).stdout) as? [String: Any])
        let byName = Dictionary(uniqueKeysWithValues: (json["experiments"] as? [[String: Any]] ?? []).map { ($0["experiment"] as? String ?? "", $0) })
        #expect(byName["broken"]?["state"] as? String == "failed")
        #expect(byName["broken"]?["log"] as? String == log)
        #expect(byName["sgd"]?["state"] as? String == "finished")
        #expect((json["comparison"] as? [String: Any])?["state"] as? String == "cancelled")
    }

    @Test func requeuedTaskResumesToTheSameWeights() throws {
        let slurm = try LocalSlurm()
        // Enough batches (96 training images in batches of 4, 3 epochs) that the requeue lands
        // mid-training; one thread, so the two runs compute identically.
        let project = try TinyProject("slurm-requeue", perClass: 48, testPerClass: 2, epochs: 3, experiments: "  only: {}\n")
        let reference = try TinyProject("slurm-requeue-reference", perClass: 48, testPerClass: 2, epochs: 3, experiments: "  only: {}\n")
        defer { slurm.stop(); project.cleanUp(); reference.cleanUp() }

        let local = try RunningCommand(["run", reference.spec, "--quiet"], in: reference.url)
        let s = try Self.submit(project, slurm)
        let task = "\(try #require(s.array))_0", compare = try #require(s.compare)
        let log = s.directory.appendingPathComponent("logs/experiment-\(task).out")
        let deadline = Date().addingTimeInterval(120)
        while !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("epoch 1/3") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        try slurm.tool("scontrol", ["requeue", task])
        // A requeued job may start only two minutes later (Slurm's begin time): start it now.
        try slurm.waitFor("the requeued task to be pending", timeout: 60) { $0[task]?.state == "PENDING" }
        try slurm.tool("scontrol", ["update", "JobId=\(task)", "StartTime=now"])
        let jobs = try slurm.waitFor("the comparison job") { LocalSlurm.terminal.contains($0[compare]?.state ?? "") }
        #expect(jobs[task]?.state == "COMPLETED")
        #expect(jobs[compare]?.state == "COMPLETED")

        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(text.contains("restart 1"), "the task did not run twice:\n\(text)")
        #expect(text.contains("resuming from epoch"), "the second attempt did not resume:\n\(text)")
        let whole = local.wait(timeout: 240)
        try #require(whole.status == 0, "\(whole)")
        try Self.expectSameResults(project, reference, "only")
        let history = try String(contentsOf: project.experiment("only").appendingPathComponent("output/logs/history.csv"), encoding: .utf8)
        #expect(history.split(separator: "\n").map { $0.prefix(2) } == ["ep", "1,", "2,", "3,"], "\(history)")
    }
}
