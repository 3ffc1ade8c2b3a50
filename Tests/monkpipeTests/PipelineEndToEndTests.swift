// `monkpipe run` on a tiny spec through the built binary, then every command that reads its
// workspace: plan (all cached), infer, evaluate, check-data, each also with --json.
import Foundation
import Testing

@Suite("monkpipe binary: run a tiny pipeline end to end")
struct PipelineEndToEndTests {
    @Test func runThenPlanInferEvaluateCheckData() throws {
        let p = try TinyProject("pipeline")
        defer { p.cleanUp() }

        let run = try monkpipe(["run", p.spec, "--json"], in: p.url)
        try #require(run.status == 0, "\(run)")
        // --json: one array of {stage, outcome}, one entry per stage; test stages add their metrics.
        let stages = try #require(try parseJSON(run.stdout) as? [[String: Any]], "\(run)")
        let ids = Set(stages.compactMap { $0["stage"] as? String })
        for id in ["load", "train/sgd", "train/adam", "test/sgd", "test/adam", "compare/cmp"] {
            #expect(ids.contains(id), "stage \(id) missing from \(ids.sorted())")
        }
        #expect(stages.allSatisfy { ($0["outcome"] as? String)?.hasPrefix("ran") == true }, "\(stages)")
        var runMetrics: [String: [String: Any]] = [:]
        for stage in stages {
            let id = stage["stage"] as? String ?? ""
            #expect((stage["metrics"] != nil) == id.hasPrefix("test/"), "\(stage)")
            runMetrics[id] = stage["metrics"] as? [String: Any]
        }

        for name in ["sgd", "adam"] {
            let base = "workspace/tiny/\(name)/"
            let state = try #require(try parseJSON(String(contentsOf: p.dir.path(base + "experiment-state.json"), encoding: .utf8)) as? [String: Any])
            #expect(state["status"] as? String == "tested", "\(name): \(state["status"] ?? "nil")")
            #expect(state["experiment"] as? String == name)
            for f in ["output/models/best.safetensors", "output/models/best.json", "output/models/final.safetensors",
                      "output/logs/history.csv", "output/test/metrics.json", "output/test/predictions.csv"] {
                #expect(p.exists(base + f), "\(base + f) missing")
            }
            // history.csv: a header and one row per epoch (2).
            let history = try String(contentsOf: p.dir.path(base + "output/logs/history.csv"), encoding: .utf8)
            #expect(history.split(separator: "\n").count == 3, "\(history)")
            // predictions.csv: a header and one row per test image (4 + 4).
            let predictions = try String(contentsOf: p.dir.path(base + "output/test/predictions.csv"), encoding: .utf8)
            #expect(predictions.split(separator: "\n").count == 9, "\(predictions)")
            let metrics = try #require(try parseJSON(String(contentsOf: p.dir.path(base + "output/test/metrics.json"), encoding: .utf8)) as? [String: Any])
            #expect(metrics["images"] as? Int == 8, "\(metrics.keys.sorted())")
            #expect(NSDictionary(dictionary: runMetrics["test/\(name)"] ?? [:]).isEqual(to: metrics), "run --json: \(name)")
            let sidecar = try #require(try parseJSON(String(contentsOf: p.dir.path(base + "output/models/best.json"), encoding: .utf8)) as? [String: Any])
            #expect(sidecar["classes"] as? [String] == ["NORMAL", "PNEUMONIA"], "\(sidecar)")
        }
        #expect(p.exists("workspace/comparison/cmp/comparison.csv"))
        #expect(p.exists("workspace/comparison/cmp/index.html"))
        let comparison = try String(contentsOf: p.dir.path("workspace/comparison/cmp/comparison.csv"), encoding: .utf8)
        #expect(comparison.split(separator: "\n").count == 3, "header + two experiments:\n\(comparison)")

        // show: one row per experiment (plan order) with the test stage's numbers; the optimizer,
        // which the two experiments set differently, is a column; one experiment is marked.
        let show = try monkpipe(["show", p.spec, "--json"], in: p.url)
        try #require(show.status == 0, "\(show)")
        let table = try #require(try parseJSON(show.stdout) as? [String: Any], "\(show)")
        #expect((table["varying_settings"] as? [String])?.contains("optimizer") == true, "\(show)")
        let showRows = try #require(table["experiments"] as? [[String: Any]], "\(show)")
        #expect(showRows.compactMap { $0["experiment"] as? String } == ["adam", "sgd"], "\(show)")
        #expect(showRows.filter { $0["best"] as? Bool == true }.count == 1, "\(show)")
        for row in showRows {
            let name = row["experiment"] as? String ?? ""
            let tested = try #require(try parseJSON(String(contentsOf: p.dir.path("workspace/tiny/\(name)/output/test/metrics.json"), encoding: .utf8)) as? [String: Any])
            #expect(NSDictionary(dictionary: row["accuracy"] as? [String: Any] ?? [:]).isEqual(to: tested["accuracy"] as? [String: Any] ?? ["": 0]), "\(name): \(show)")
            #expect(row["kept_epoch"] is Int && row["training_seconds"] is Double && row["peak_memory_mb"] is Double, "\(row)")
        }
        let showText = try monkpipe(["show", p.spec], in: p.url)
        #expect(showText.status == 0 && showText.stdout.contains("test accuracy") && showText.stdout.contains("sensitivity"), "\(showText)")
        #expect(showText.stdout.split(separator: "\n").contains { $0.hasPrefix("*") }, "\(showText)")

        // Nothing changed: every stage is cached.
        let plan = try monkpipe(["plan", p.spec], in: p.url)
        #expect(plan.status == 0, "\(plan)")
        // After a header naming the data, one line per stage: its name, then its decision.
        let stageNames = ["load", "train/", "test/", "compare/"]
        let planLines = plan.stdout.split(separator: "\n").filter { line in stageNames.contains { line.hasPrefix($0) } }
        #expect(planLines.count == 6, "\(plan)")
        #expect(planLines.allSatisfy { $0.hasSuffix(" cached") }, "\(plan)")
        let planJSON = try monkpipe(["plan", p.spec, "--json"], in: p.url)
        let decisions = try #require(try parseJSON(planJSON.stdout) as? [[String: String]], "\(planJSON)")
        #expect(decisions.count == 6 && decisions.allSatisfy { $0["decision"] == "cached" && $0["key"]?.count == 64 }, "\(decisions)")

        // infer on a folder: one CSV row per image.
        let folder = p.dir.path("data/test/PNEUMONIA").path
        let infer = try monkpipe(["infer", "--experiment", p.experiment("sgd").path, folder, "--output", "x.csv"], in: p.url)
        #expect(infer.status == 0, "\(infer)")
        let csv = try String(contentsOf: p.dir.path("x.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "image,predicted,probability,p_NORMAL,p_PNEUMONIA", "\(csv)")
        #expect(csv.count == 5, "\(csv)")
        let inferJSON = try monkpipe(["infer", "--experiment", p.experiment("sgd").path, folder, "--json"], in: p.url)
        #expect(inferJSON.status == 0, "\(inferJSON)")
        let rows = try inferJSON.stdout.split(separator: "\n").map { try #require(try parseJSON(String($0)) as? [String: Any]) }
        #expect(rows.count == 4)
        for r in rows {
            let probs = try #require(r["probabilities"] as? [String: Double])
            #expect(abs(probs.values.reduce(0, +) - 1) < 1e-5, "\(r)")
            #expect(["NORMAL", "PNEUMONIA"].contains(r["predicted"] as? String ?? ""))
        }

        // evaluate on the test folder: text names the accuracy; JSON has the same image count.
        let testData = p.dir.path("data/test").path
        let eval = try monkpipe(["evaluate", "--experiment", p.experiment("adam").path, "--data", testData], in: p.url)
        #expect(eval.status == 0, "\(eval)")
        #expect(eval.stdout.contains("Accuracy"), "\(eval)")
        #expect(eval.stdout.contains("8 images"), "\(eval)")
        let evalJSON = try monkpipe(["evaluate", "--experiment", p.experiment("adam").path, "--data", testData, "--json"], in: p.url)
        let m = try #require(try parseJSON(evalJSON.stdout) as? [String: Any], "\(evalJSON)")
        #expect(m["images"] as? Int == 8)
        // Same checkpoint, same images: evaluate agrees with the test stage's accuracy.
        let tested = try #require(try parseJSON(String(contentsOf: p.dir.path("workspace/tiny/adam/output/test/metrics.json"), encoding: .utf8)) as? [String: Any])
        let evaluated = try #require((m["accuracy"] as? [String: Any])?["value"] as? Double)
        let testStage = try #require((tested["accuracy"] as? [String: Any])?["value"] as? Double)
        #expect(evaluated == testStage)
        // Accuracy on 8 images is a multiple of 1/8.
        #expect((evaluated * 8).rounded() == evaluated * 8, "\(evaluated)")

        // check-data: class counts per split (12 per class in train, validation split off from it; 4 in test).
        let check = try monkpipe(["check-data", p.spec], in: p.url)
        #expect(check.status == 0, "\(check)")
        let lines = check.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let normal = try #require(lines.first { $0.first == "NORMAL" }, "\(check)")
        let pneumonia = try #require(lines.first { $0.first == "PNEUMONIA" }, "\(check)")
        #expect(normal.last == "4" && pneumonia.last == "4", "\(check)")
        #expect(normal.dropFirst().compactMap { Int($0) }.reduce(0, +) == 16, "\(check)")
        #expect(pneumonia.dropFirst().compactMap { Int($0) }.reduce(0, +) == 16, "\(check)")
        let checkJSON = try monkpipe(["check-data", p.spec, "--json"], in: p.url)
        #expect(checkJSON.status == 0, "\(checkJSON)")
        #expect(try parseJSON(checkJSON.stdout) is [String: Any], "\(checkJSON)")
    }
}
