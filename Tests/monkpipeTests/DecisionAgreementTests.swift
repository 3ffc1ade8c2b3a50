// `infer`, `evaluate` and `classify` decide exactly as the experiment's test stage did (issue 11
// item 1, issue 16): the same threshold (here chosen by Youden's J on validation), the same
// checkpoint, the same numbers — from the experiment folder or from the checkpoint file alone.
import Foundation
import Testing

@Suite("monkpipe binary: infer and evaluate decide as the test stage")
struct DecisionAgreementTests {
    static let youden = "  youden:\n    evaluation: {threshold: youden, bootstrap: {samples: 50, seed: 1}}\n"

    /// "CLASS/file.jpeg" → predicted class, from the test stage's predictions.csv.
    static func testStagePredictions(_ p: TinyProject, _ experiment: String) throws -> [String: String] {
        let csv = try String(contentsOf: p.experiment(experiment).appendingPathComponent("output/test/predictions.csv"), encoding: .utf8)
        var out: [String: String] = [:]
        for line in csv.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",").map(String.init)
            out[Self.imageKey(cells[0])] = cells[2]
        }
        return out
    }

    static func imageKey(_ path: String) -> String {
        let u = URL(fileURLWithPath: path)
        return u.deletingLastPathComponent().lastPathComponent + "/" + u.lastPathComponent
    }

    static func metrics(_ text: String) throws -> [String: Any] {
        try #require(try parseJSON(text) as? [String: Any], "\(text)")
    }

    @Test func inferEvaluateAndClassifyFollowTheTestStage() throws {
        let p = try TinyProject("decision", experiments: Self.youden)
        defer { p.cleanUp() }
        let run = try monkpipe(["run", p.spec], in: p.url)
        try #require(run.status == 0, "\(run)")
        // The run shows the whole test summary (issue 11 item 2), not its first six lines:
        // every metric, and per class a row in the table and in the confusion matrix.
        for needle in ["Sensitivity", "Specificity", "ROC AUC", "Average precision", "Confusion matrix"] {
            #expect(run.stdout.contains(needle), "\(needle): \(run)")
        }
        for name in ["NORMAL", "PNEUMONIA"] {
            let rows = run.stdout.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name + " ") }
            #expect(rows.count >= 2, "\(name): \(run)")
        }
        let experiment = p.experiment("youden").path
        let tested = try Self.metrics(String(contentsOf: p.experiment("youden").appendingPathComponent("output/test/metrics.json"), encoding: .utf8))
        let binary = try #require(tested["binary"] as? [String: Any])
        let threshold = try #require(binary["threshold"] as? [String: Any])
        #expect(threshold["method"] as? String == "youden_j_on_validation", "\(threshold)")
        let t = try #require(threshold["value"] as? Double)
        let expected = try Self.testStagePredictions(p, "youden")
        #expect(expected.count == 8)

        // infer on the test folder: every image gets the test stage's class, and the threshold is named.
        let infer = try monkpipe(["infer", "--experiment", experiment, "data/test"], in: p.url)
        try #require(infer.status == 0, "\(infer)")
        #expect(infer.stdout.contains(String(format: "P(PNEUMONIA) ≥ %.4f", t)), "\(infer)")
        #expect(infer.stdout.contains("Youden's J on"), "\(infer)")
        var inferred: [String: String] = [:]
        for line in infer.stdout.split(separator: "\n") where line.contains("\t") {
            let cells = line.split(separator: "\t").map(String.init)
            inferred[Self.imageKey(cells[0])] = cells[1]
        }
        #expect(inferred == expected, "\(infer)")

        // --threshold overrides: P ≥ 0 holds for every image, so all are PNEUMONIA.
        let all = try monkpipe(["infer", "--experiment", experiment, "data/test", "--threshold", "0", "--json"], in: p.url)
        try #require(all.status == 0, "\(all)")
        let rows = try all.stdout.split(separator: "\n").map { try Self.metrics(String($0)) }
        #expect(rows.count == 8 && rows.allSatisfy { $0["predicted"] as? String == "PNEUMONIA" && $0["threshold"] as? Double == 0 }, "\(all)")
        let bad = try monkpipe(["infer", "--experiment", experiment, "data/test", "--threshold", "1.5"], in: p.url)
        #expect(bad.status == 64, "\(bad)")

        // evaluate --experiment on the test folder: metrics.json exactly, header says test set.
        let evaluated = try monkpipe(["evaluate", "--experiment", experiment, "--data", "data/test", "--json"], in: p.url)
        try #require(evaluated.status == 0, "\(evaluated)")
        let fromExperiment = try Self.metrics(evaluated.stdout)
        #expect(NSDictionary(dictionary: fromExperiment).isEqual(to: tested), "\(evaluated.stdout)")
        let text = try monkpipe(["evaluate", "--experiment", experiment, "--data", "data/test"], in: p.url)
        #expect(text.stdout.contains("Test metrics (the experiment's test set"), "\(text)")
        // Another folder is not the test set, and the summary says so.
        let other = try monkpipe(["evaluate", "--experiment", experiment, "--data", "data/train", "--output", "train-report"], in: p.url)
        try #require(other.status == 0, "\(other)")
        #expect(!other.stdout.contains("Test metrics"), "\(other)")
        #expect(other.stdout.contains("Metrics on data/train (not the experiment's test set)"), "\(other)")
        // So do the files --output writes: summary.txt and the plots' titles name the folder.
        let summary = try String(contentsOf: p.dir.path("train-report/summary.txt"), encoding: .utf8)
        #expect(summary.hasPrefix("Metrics on data/train (not the experiment's test set)"), "\(summary)")
        let roc = try String(contentsOf: p.dir.path("train-report/roc.svg"), encoding: .utf8)
        #expect(roc.contains("youden: ROC (train)") && !roc.contains("(test)"), "\(roc.prefix(400))")
        let confusion = try String(contentsOf: p.dir.path("train-report/confusion_matrix.svg"), encoding: .utf8)
        #expect(confusion.contains(" train images)") && !confusion.contains("test images"), "\(confusion.prefix(400))")

        // The checkpoint alone, copied away from its experiment: same decisions, same numbers
        // (all but the checkpoint's name, which is now the file's path).
        let published = p.dir.path("published")
        try FileManager.default.createDirectory(at: published, withIntermediateDirectories: true)
        for f in ["best.safetensors", "best.json"] {
            try FileManager.default.copyItem(at: p.experiment("youden").appendingPathComponent("output/models/\(f)"),
                                             to: published.appendingPathComponent(f))
        }
        try FileManager.default.removeItem(at: p.dir.path("workspace"))
        let file = "published/best.safetensors"
        let alone = try monkpipe(["evaluate", "--checkpoint", file, "--data", "data/test", "--json"], in: p.url)
        try #require(alone.status == 0, "\(alone)")
        var fromFile = try Self.metrics(alone.stdout)
        #expect(fromFile["checkpoint"] as? String == p.dir.path(file).path)
        fromFile["checkpoint"] = tested["checkpoint"]
        #expect(NSDictionary(dictionary: fromFile).isEqual(to: tested), "\(alone.stdout)")
        let inferFile = try monkpipe(["infer", "--checkpoint", file, "data/test", "--json"], in: p.url)
        try #require(inferFile.status == 0, "\(inferFile)")
        let fileRows = try inferFile.stdout.split(separator: "\n").map { try Self.metrics(String($0)) }
        var fromCheckpoint: [String: String] = [:]
        for r in fileRows { fromCheckpoint[Self.imageKey(r["image"] as? String ?? "")] = r["predicted"] as? String }
        #expect(fromCheckpoint == expected, "\(inferFile)")
        #expect(fileRows.allSatisfy { $0["threshold"] as? Double == t }, "\(inferFile)")
        let both = try monkpipe(["infer", "--experiment", experiment, "--checkpoint", file, "data/test"], in: p.url)
        #expect(both.status == 64, "\(both)")

        // classify with the checkpoint: the sidecar's class names and normalisation, so the same
        // probabilities as infer (printed to 0.1%).
        let image = try #require(fileRows.first)
        let path = try #require(image["image"] as? String)
        let probabilities = try #require(image["probabilities"] as? [String: Double])
        let classify = try monkpipe(["classify", "--weights", file, "--top", "2", path], in: p.url)
        try #require(classify.status == 0, "\(classify)")
        #expect(!classify.stdout.contains("class 0"), "\(classify)")
        for (name, probability) in probabilities {
            #expect(classify.stdout.contains(String(format: "%5.1f%%  %4d  %@", probability * 100, name == "NORMAL" ? 0 : 1, name)),
                    "\(name) \(probability): \(classify)")
        }
    }

    /// A deterministic preprocessing step in the eval list (here histogram equalisation) goes
    /// into the checkpoint's sidecar, so the published file alone computes the same
    /// probabilities as the experiment: without it every image would be seen unequalised.
    @Test func equalizationTravelsWithTheCheckpoint() throws {
        let p = try TinyProject("equalize", experiments: "  eq: {}\n",
                                trainTransforms: "[equalize, resize, horizontal_flip, normalize]",
                                evalTransforms: "[equalize, resize, normalize]")
        defer { p.cleanUp() }
        let run = try monkpipe(["run", p.spec], in: p.url)
        try #require(run.status == 0, "\(run)")
        let experiment = p.experiment("eq").path
        let export = try monkpipe(["export", "--experiment", experiment, "--to", "published/model.safetensors"], in: p.url)
        try #require(export.status == 0, "\(export)")
        let sidecar = try String(contentsOf: p.dir.path("published/model.json"), encoding: .utf8)
        #expect(sidecar.contains("\"equalize\""), "\(sidecar)")

        func probabilities(_ arguments: [String]) throws -> [String: [String: Double]] {
            let r = try monkpipe(["infer"] + arguments + ["data/test", "--json"], in: p.url)
            try #require(r.status == 0, "\(r)")
            var out: [String: [String: Double]] = [:]
            for line in r.stdout.split(separator: "\n") {
                let row = try Self.metrics(String(line))
                out[Self.imageKey(row["image"] as? String ?? "")] = row["probabilities"] as? [String: Double]
            }
            return out
        }
        let fromExperiment = try probabilities(["--experiment", experiment])
        #expect(fromExperiment.count == 8)
        #expect(try probabilities(["--checkpoint", "published/model.safetensors"]) == fromExperiment)
        let tested = try Self.metrics(String(contentsOf: p.experiment("eq").appendingPathComponent("output/test/metrics.json"), encoding: .utf8))
        let alone = try monkpipe(["evaluate", "--checkpoint", "published/model.safetensors", "--data", "data/test", "--json"], in: p.url)
        try #require(alone.status == 0, "\(alone)")
        var fromFile = try Self.metrics(alone.stdout)
        fromFile["checkpoint"] = tested["checkpoint"]
        #expect(NSDictionary(dictionary: fromFile).isEqual(to: tested), "\(alone.stdout)")
    }

    /// Without a test stage, evaluate chooses the threshold as the test stage would (Youden's J
    /// on the same validation images), and the test stage run afterwards reports the same numbers.
    @Test func evaluateWithoutATestStageAppliesTheExperimentsRule() throws {
        let p = try TinyProject("notest", experiments: Self.youden)
        defer { p.cleanUp() }
        let train = try monkpipe(["run", p.spec, "--stage", "train"], in: p.url)
        try #require(train.status == 0, "\(train)")
        #expect(!p.exists("workspace/tiny/youden/output/test/metrics.json"), "the test stage must not have run")
        let experiment = p.experiment("youden").path
        let evaluated = try monkpipe(["evaluate", "--experiment", experiment, "--data", "data/test", "--json"], in: p.url)
        try #require(evaluated.status == 0, "\(evaluated)")
        let before = try Self.metrics(evaluated.stdout)
        let threshold = try #require((before["binary"] as? [String: Any])?["threshold"] as? [String: Any])
        #expect(threshold["method"] as? String == "youden_j_on_validation", "\(threshold)")
        // 12 + 12 training images, a quarter split off for validation.
        #expect(threshold["validation_images"] as? Int == 6, "\(threshold)")

        // Exported, the checkpoint carries that decision: alone it gives the same numbers.
        let export = try monkpipe(["export", "--experiment", experiment, "--to", "published/model.safetensors"], in: p.url)
        try #require(export.status == 0, "\(export)")
        // The sidecar names its origin inside the project, not the exporting machine's folders.
        let sidecar = try #require(try parseJSON(String(contentsOf: p.dir.path("published/model.json"), encoding: .utf8)) as? [String: Any])
        #expect((sidecar["metadata"] as? [String: Any])?["exported_from"] as? String == "workspace/tiny/youden/output/models/best.safetensors",
                "\(sidecar["metadata"] ?? "none")")
        let alone = try monkpipe(["evaluate", "--checkpoint", "published/model.safetensors", "--data", "data/test", "--json"], in: p.url)
        try #require(alone.status == 0, "\(alone)")
        var fromFile = try Self.metrics(alone.stdout)
        fromFile["checkpoint"] = before["checkpoint"]
        #expect(NSDictionary(dictionary: fromFile).isEqual(to: before), "\(alone.stdout)")

        let test = try monkpipe(["run", p.spec, "--stage", "test"], in: p.url)
        try #require(test.status == 0, "\(test)")
        let tested = try Self.metrics(String(contentsOf: p.experiment("youden").appendingPathComponent("output/test/metrics.json"), encoding: .utf8))
        #expect(NSDictionary(dictionary: before).isEqual(to: tested), "evaluate: \(evaluated.stdout)\ntest stage: \(tested)")
    }
}
