// One validation accuracy per experiment on every screen, through the binary: `status`,
// `show`, comparison.csv and index.html all give the kept checkpoint's (the weights test,
// infer and export use) with its epoch, not the highest of some other epoch. They used to
// disagree: status gave the best-by-val_loss checkpoint's, show and the report the highest.
import Foundation
import Testing

@Suite("kept checkpoint: one validation accuracy on every screen")
struct KeptCheckpointTests {
    /// The fields of one CSV line (quoted fields may hold commas; no newlines in these).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = [], cell = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle() } else if c == "," && !quoted { out.append(cell); cell = "" } else { cell.append(c) }
        }
        return out + [cell]
    }

    /// A pipeline without a test set, 5 epochs. `adam` (seed 1) keeps the epoch of the lowest
    /// validation loss (the default `best_metric`), and reaches a higher validation accuracy in
    /// another epoch; `sgd` (seed 2) keeps its final epoch (`test_checkpoint: final`).
    @Test func statusShowAndReportGiveTheKeptCheckpoint() throws {
        let project = try TinyProject("kept-checkpoint", testSet: false, epochs: 5, experiments: """
              adam: {seed: 1, optimizer: {type: adam, lr: 0.003}}
              sgd: {seed: 2, test_checkpoint: final}

            """)
        defer { project.cleanUp() }
        let run = try monkpipe(["run", project.spec, "--quiet"], in: project.url, timeout: 300)
        #expect(run.status == 0, "\(run)")

        // What each experiment keeps, from its own files: history.json and the state's best epoch.
        var kept: [String: (epoch: Int, accuracy: Double)] = [:]
        for name in ["adam", "sgd"] {
            let dir = project.experiment(name)
            let history = try #require(try parseJSON(String(contentsOf: dir.appendingPathComponent("output/logs/history.json"), encoding: .utf8)) as? [[String: Any]])
            let state = try #require(try parseJSON(String(contentsOf: dir.appendingPathComponent("experiment-state.json"), encoding: .utf8)) as? [String: Any])
            let epochs = history.map { (epoch: $0["epoch"] as? Int ?? 0, loss: $0["valLoss"] as? Double ?? .nan, accuracy: $0["valAccuracy"] as? Double ?? .nan) }
            #expect(epochs.map(\.epoch) == [1, 2, 3, 4, 5])
            let lowestLoss = try #require(epochs.min { $0.loss < $1.loss })
            #expect((state["training"] as? [String: Any])?["bestEpoch"] as? Int == lowestLoss.epoch)
            let keep = name == "adam" ? lowestLoss : try #require(epochs.last)
            kept[name] = (keep.epoch, keep.accuracy)
            // The case this test is about: another epoch validated higher than the one kept.
            let highest = try #require(epochs.max { $0.accuracy < $1.accuracy })
            try #require(highest.accuracy > keep.accuracy, "\(name): \(epochs)")
        }
        let adam = try #require(kept["adam"]), sgd = try #require(kept["sgd"])
        func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }

        // status: the words say which checkpoint, and --json gives its epoch too.
        let status = try monkpipe(["status", project.spec], in: project.url)
        for (name, k) in [("adam", adam), ("sgd", sgd)] {
            let row = String(format: "trained, no test set (kept checkpoint: epoch %d, validation accuracy %.4f)", k.epoch, k.accuracy)
            #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix(name) && $0.hasSuffix(row) }, "\(status)")
        }
        let statusJSON = try #require(try parseJSON(try monkpipe(["status", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        let statusRows = Dictionary(uniqueKeysWithValues: (statusJSON["experiments"] as? [[String: Any]] ?? []).map { ($0["experiment"] as? String ?? "", $0) })
        #expect(statusRows["adam"]?["validation_accuracy"] as? Double == adam.accuracy && statusRows["adam"]?["kept_epoch"] as? Int == adam.epoch)
        #expect(statusRows["sgd"]?["validation_accuracy"] as? Double == sgd.accuracy && statusRows["sgd"]?["kept_epoch"] as? Int == sgd.epoch)

        // show: the same epoch and accuracy, and * chooses among the kept checkpoints.
        let show = try monkpipe(["show", project.spec], in: project.url)
        #expect(show.status == 0, "\(show)")
        let lines = show.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("kept checkpoint") == true, "\(show)")
        for (name, k) in [("adam", adam), ("sgd", sgd)] {
            let line = try #require(lines.first { $0.dropFirst(3).hasPrefix(name + " ") }, "\(show)")
            #expect(line.contains("epoch \(k.epoch), val \(percent(k.accuracy))"), "\(line)")
            #expect(line.hasPrefix("*") == (k.accuracy > (name == "adam" ? sgd : adam).accuracy), "\(show)")
        }
        #expect(show.stdout.contains("kept checkpoint: the weights test, infer and export use (test_checkpoint)"), "\(show)")
        let showJSON = try #require(try parseJSON(try monkpipe(["show", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        let showRows = Dictionary(uniqueKeysWithValues: (showJSON["experiments"] as? [[String: Any]] ?? []).map { ($0["experiment"] as? String ?? "", $0) })
        #expect(showRows["adam"]?["kept_epoch"] as? Int == adam.epoch && showRows["adam"]?["kept_val_accuracy"] as? Double == adam.accuracy)
        #expect(showRows["sgd"]?["kept_epoch"] as? Int == sgd.epoch && showRows["sgd"]?["kept_val_accuracy"] as? Double == sgd.accuracy)

        // The comparison report: comparison.csv and the table of index.html.
        let csv = try String(contentsOf: project.dir.path("workspace/comparison/cmp/comparison.csv"), encoding: .utf8)
        let table = csv.split(separator: "\n").map(Self.fields)
        let header = try #require(table.first)
        let epochColumn = try #require(header.firstIndex(of: "kept_checkpoint_epoch"), "\(header)")
        let accuracyColumn = try #require(header.firstIndex(of: "kept_checkpoint_val_accuracy"), "\(header)")
        for (name, k) in [("adam", adam), ("sgd", sgd)] {
            let row = try #require(table.first { $0.count > 1 && $0[1] == name }, "\(csv)")
            #expect(row[epochColumn] == "\(k.epoch)" && row[accuracyColumn] == String(format: "%.4f", k.accuracy), "\(row)")
        }
        let html = try String(contentsOf: project.dir.path("workspace/comparison/cmp/index.html"), encoding: .utf8)
        #expect(html.contains("<th>kept checkpoint: val accuracy (epoch)</th>"), "\(html)")
        for k in [adam, sgd] { #expect(html.contains("<td>\(percent(k.accuracy)) (\(k.epoch))</td>"), "\(html)") }
    }
}
