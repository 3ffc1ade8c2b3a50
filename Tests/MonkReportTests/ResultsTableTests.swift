// `monkpipe show`'s table and the comparison's varying-setting columns: the numbers of the two
// fixture experiments (RunFixtures, hand-computed there), laid out and marked as documented.
import Foundation
import Testing
@testable import MonkReport

@Suite("results table (show) and varying settings")
struct ResultsTableTests {
    /// Exp_A (the tied set, 6/9 correct) with lr 0.01, keeping epoch 2 (lowest validation
    /// loss) at 80%; Exp_B (9/9 correct) with lr 0.001, validation only 75% (one epoch).
    static func runs() throws -> [ExperimentRun] {
        var a = try RunFixtures.run("Exp_A", scores: ([0.9, 0.8, 0.6, 0.4], [0.7, 0.6, 0.3, 0.2, 0.1]), history: RunFixtures.history)
        var b = try RunFixtures.run("Exp_B", scores: ([0.9, 0.9, 0.9, 0.9], [0.1, 0.1, 0.1, 0.1, 0.1]),
                                    history: Array(RunFixtures.history.prefix(1)))
        a.settings = [Setting("model", "resnet18_v1"), Setting("optimizer.lr", "0.01")]
        b.settings = [Setting("model", "resnet18_v1"), Setting("optimizer.lr", "0.001")]
        return [a, b]
    }

    static func table() throws -> ResultsTable {
        ResultsTable(try runs().map { ResultsTable.Entry(experiment: $0.experiment, status: "tested", settings: $0.settings, run: $0) }
                     + [ResultsTable.Entry(experiment: "Exp_C", status: "not run",
                                           settings: [Setting("model", "resnet18_v1"), Setting("optimizer.lr", "0.1")], run: nil)])
    }

    @Test func onlyDifferingSettingsAreColumns() {
        let same = [Setting("model", "x"), Setting("lr", "1")]
        #expect(ResultsTable.varying([same, same]) == [])
        #expect(ResultsTable.varying([same, [Setting("model", "x"), Setting("lr", "2")]]) == ["lr"])
        // A setting only one experiment has differs from its absence.
        #expect(ResultsTable.varying([same, same + [Setting("extra", "y")]]) == ["extra"])
    }

    @Test func textShowsEveryNumberAndMarksTheValidationChoice() throws {
        let text = try Self.table().text()
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].contains("experiment  optimizer.lr  test accuracy"), "\(text)")
        let a = try #require(lines.first { $0.contains("Exp_A") }, "\(text)")
        let b = try #require(lines.first { $0.contains("Exp_B") }, "\(text)")
        let c = try #require(lines.first { $0.contains("Exp_C") }, "\(text)")
        // Exp_A: accuracy 6/9 with Wilson 0.3542–0.8794, sensitivity 3/4, specificity 3/5, AUC
        // 16.5/20 (RunFixtures / ClassificationMetricsTests); kept checkpoint epoch 2 at 80%
        // validation, higher than Exp_B's 75%, so Exp_A is marked although Exp_B tests better.
        #expect(a.hasPrefix("*"), "\(text)")
        #expect(!b.hasPrefix("*") && !c.hasPrefix("*"), "\(text)")
        for cell in ["0.01", "66.7% (35.4%–87.9%)", "75.0% (", "60.0% (", "0.825 (", "epoch 2, val 80.0%", "12.5 s", "812 MB"] {
            #expect(a.contains(cell), "\(cell): \(a)")
        }
        #expect(b.contains("100.0% (") && b.contains("0.001") && b.contains("epoch 1, val 75.0%"), "\(b)")
        #expect(c.contains("0.1") && c.contains("not run"), "\(c)")
        #expect(text.contains("* the highest validation accuracy of a kept checkpoint"), "\(text)")
    }

    /// Experiments whose kept checkpoints tie for the highest validation accuracy are all
    /// marked, as README says: the comparison report shows each one's and picks none, and a
    /// tie-break (validation loss, plan order) would be a choice neither table shows.
    @Test func tiesForTheBestValidationAccuracyAreAllMarked() throws {
        var runs = try Self.runs()
        runs[1].history = runs[0].history
        runs[1].kept = runs[0].kept
        let table = ResultsTable(runs.map { ResultsTable.Entry(experiment: $0.experiment, status: "tested", settings: $0.settings, run: $0) })
        #expect(table.rows.map(\.keptValAccuracy) == [0.8, 0.8])
        #expect(table.rows.map(\.best) == [true, true])
    }

    /// Test results of other settings than the spec's now (a test setting changed, then `run
    /// --stage train`) were printed as plain numbers beside the current ones, and could take
    /// the `*`. The text withholds them and says why; `--json` keeps them, marked.
    @Test func testResultsOfOtherSettingsAreNotComparedWithTheCurrentOnes() throws {
        let runs = try Self.runs()
        let table = ResultsTable([
            ResultsTable.Entry(experiment: "Exp_A", status: "trained, test not run", settings: runs[0].settings, run: runs[0],
                               testOfOtherSettings: true),
            ResultsTable.Entry(experiment: "Exp_B", status: "tested", settings: runs[1].settings, run: runs[1]),
        ])
        // Exp_A's kept checkpoint validates higher (80% to 75%) but its test is not this spec's:
        // it is not marked, nor is Exp_B in its place.
        #expect(table.rows.map(\.best) == [false, false])
        #expect(table.rows.map(\.status) == ["trained, test not run, settings changed since", "tested"])
        let text = table.text()
        let lines = text.split(separator: "\n").map(String.init)
        let a = try #require(lines.first { $0.contains("Exp_A") }, "\(text)")
        let b = try #require(lines.first { $0.contains("Exp_B") }, "\(text)")
        // No row is marked: the mark column is empty.
        #expect(a.hasPrefix("  Exp_A       0.01          trained, test not run, settings changed since  —   "), "\(text)")
        #expect(a.filter { $0 == "—" }.count == 3, "\(a)")
        for cell in ["66.7%", "75.0% (", "60.0% (", "0.825"] { #expect(!a.contains(cell), "\(cell): \(a)") }
        // The training is the spec's: its kept checkpoint, time and memory stay.
        #expect(a.contains("epoch 2, val 80.0%") && a.contains("12.5 s"), "\(a)")
        #expect(!b.hasPrefix("*") && b.contains("100.0% ("), "\(b)")
        #expect(text.contains("\nsettings changed since: the test results on disk are of other settings than the file's now: not shown and"
                              + " not marked * (show --json gives them, with test_of_other_settings); run the pipeline to test with these settings\n"),
                "\(text)")

        let json = try #require(try JSONSerialization.jsonObject(with: table.jsonData()) as? [String: Any])
        let rows = try #require(json["experiments"] as? [[String: Any]])
        #expect(rows.map { $0["test_of_other_settings"] as? Bool } == [true, false])
        let accuracy = try #require(rows[0]["accuracy"] as? [String: Any])
        #expect(abs((accuracy["value"] as? Double ?? 0) - 6.0 / 9) < 1e-12)
        // Exp_B's test of other settings leaves Exp_A, which validates higher, marked.
        let other = ResultsTable([
            ResultsTable.Entry(experiment: "Exp_A", status: "tested", settings: runs[0].settings, run: runs[0]),
            ResultsTable.Entry(experiment: "Exp_B", status: "trained, test not run", settings: runs[1].settings, run: runs[1],
                               testOfOtherSettings: true),
        ])
        #expect(other.rows.map(\.best) == [true, false])
        // Without such a row, no such line.
        #expect(!(try Self.table().text().contains("settings changed since")))
    }

    /// A training of other settings than the spec's now (a training setting changed since it
    /// trained): its kept checkpoint, time and memory were shown as if current, and its kept
    /// checkpoint kept the `*` from the others. The text withholds them and says why; `--json`
    /// keeps them, marked.
    @Test func aTrainingOfOtherSettingsIsNotShownAsCurrent() throws {
        let runs = try Self.runs()
        let table = ResultsTable([
            ResultsTable.Entry(experiment: "Exp_A", status: "not run", settings: runs[0].settings, run: runs[0],
                               testOfOtherSettings: true, trainingOfOtherSettings: true),
            ResultsTable.Entry(experiment: "Exp_B", status: "tested", settings: runs[1].settings, run: runs[1]),
        ])
        // Exp_A's kept checkpoint (80%) is not one this spec keeps: Exp_B's 75% is the highest.
        #expect(table.rows.map(\.best) == [false, true])
        #expect(table.rows.map(\.status) == ["not run, settings changed since", "tested"])
        let text = table.text()
        let lines = text.split(separator: "\n").map(String.init)
        let a = try #require(lines.first { $0.contains("Exp_A") }, "\(text)")
        #expect(a.hasPrefix("   Exp_A       0.01          not run, settings changed since  —  "), "\(text)")
        #expect(a.filter { $0 == "—" }.count == 6, "\(a)")
        for cell in ["66.7%", "epoch 2", "80.0%", "12.5 s", "812 MB"] { #expect(!a.contains(cell), "\(cell): \(a)") }
        let b = try #require(lines.first { $0.contains("Exp_B") }, "\(text)")
        #expect(b.hasPrefix("*") && b.contains("epoch 1, val 75.0%"), "\(b)")
        #expect(text.contains("\nsettings changed since: the training on disk (kept checkpoint, training time, peak memory) and any test"
                              + " results are of other settings than the file's now: not shown and not marked * (show --json gives them,"
                              + " with training_of_other_settings and test_of_other_settings); run the pipeline to train and test with"
                              + " these settings\n"), "\(text)")
        #expect(!text.contains("the test results on disk"), "\(text)")

        let json = try #require(try JSONSerialization.jsonObject(with: table.jsonData()) as? [String: Any])
        let rows = try #require(json["experiments"] as? [[String: Any]])
        #expect(rows.map { $0["training_of_other_settings"] as? Bool } == [true, false])
        #expect(rows[0]["kept_epoch"] as? Int == 2 && rows[0]["kept_val_accuracy"] as? Double == 0.8
                && rows[0]["training_seconds"] as? Double == 12.5 && rows[0]["peak_memory_mb"] as? Double == 812.4, "\(rows[0])")
        // Only a changed training: the kept checkpoint's legend goes with the shown ones.
        let alone = ResultsTable([ResultsTable.Entry(experiment: "Exp_A", status: "stopped", settings: runs[0].settings, run: runs[0],
                                                     trainingOfOtherSettings: true)])
        #expect(!alone.text().contains("kept checkpoint: the weights"), "\(alone.text())")
    }

    /// An experiment whose experiment-state.json was deleted (its stages cached): its row had
    /// no numbers and another row took the `*`. Its numbers, read from the cached outputs, are
    /// compared as any; where its kept checkpoint could not be read back, no row is marked.
    @Test func aDeletedStatesRowIsComparedByWhatItsOutputsSay() throws {
        let runs = try Self.runs()
        let table = ResultsTable([
            ResultsTable.Entry(experiment: "Exp_A", status: "tested, experiment-state.json missing", settings: runs[0].settings,
                               run: runs[0], stateMissing: true),
            ResultsTable.Entry(experiment: "Exp_B", status: "tested", settings: runs[1].settings, run: runs[1]),
        ])
        // Exp_A's kept checkpoint validates at 80%, Exp_B's at 75%.
        #expect(table.rows.map(\.best) == [true, false])
        #expect(table.rows.map(\.stateMissing) == [true, nil])
        let text = table.text()
        let a = try #require(text.split(separator: "\n").first { $0.contains("Exp_A") }, "\(text)")
        #expect(a.hasPrefix("*") && a.contains("66.7%") && a.contains("epoch 2, val 80.0%"), "\(text)")
        #expect(text.contains("\nexperiment-state.json missing (Exp_A): the numbers are read from the cached stages' outputs, as a run"
                              + " writes them again; run the pipeline to write it\n"), "\(text)")
        let json = try #require(try JSONSerialization.jsonObject(with: table.jsonData()) as? [String: Any])
        let rows = try #require(json["experiments"] as? [[String: Any]])
        #expect(rows[0]["state_missing"] as? Bool == true && rows[1]["state_missing"] == nil, "\(rows)")

        var unknown = runs[0]
        unknown.kept = nil
        let withoutKept = ResultsTable([
            ResultsTable.Entry(experiment: "Exp_A", status: "tested, experiment-state.json missing", settings: runs[0].settings,
                               run: unknown, stateMissing: true),
            ResultsTable.Entry(experiment: "Exp_B", status: "tested", settings: runs[1].settings, run: runs[1]),
        ])
        #expect(withoutKept.rows.map(\.best) == [false, false])
        #expect(withoutKept.markWithheldFor == ["Exp_A"] && withoutKept.text().contains(
            "\nno row is marked *: the kept checkpoint of Exp_A is not known (see its status) and might validate highest\n"),
                "\(withoutKept.text())")
        #expect(!ResultsTable([ResultsTable.Entry(experiment: "Exp_A", status: "tested", settings: runs[0].settings, run: runs[0]),
                               ResultsTable.Entry(experiment: "Exp_B", status: "tested", settings: runs[1].settings, run: runs[1])])
                    .text().contains("experiment-state.json missing"))
    }

    /// An experiment whose state does not read, or whose training is damaged, has no numbers
    /// (`run` nil) but may keep the checkpoint that validates highest: another row took the `*`
    /// in its place. No row is marked, and the legend says why.
    @Test func anUnknownKeptCheckpointWithholdsTheMark() throws {
        let runs = try Self.runs()
        let entries = [
            ResultsTable.Entry(experiment: "Exp_A", status: "training damaged", settings: runs[0].settings, run: nil, keptUnknown: true),
            ResultsTable.Entry(experiment: "Exp_B", status: "tested", settings: runs[1].settings, run: runs[1]),
        ]
        let table = ResultsTable(entries)
        #expect(table.rows.map(\.best) == [false, false] && table.markWithheldFor == ["Exp_A"])
        #expect(table.text().contains("\nno row is marked *: the kept checkpoint of Exp_A is not known (see its status) and might"
                                      + " validate highest\n"), "\(table.text())")
        // Known again (its state read, its training whole): Exp_B is compared as before.
        let known = ResultsTable([ResultsTable.Entry(experiment: "Exp_A", status: "not run", settings: runs[0].settings, run: nil),
                                  entries[1]])
        #expect(known.rows.map(\.best) == [false, true] && known.markWithheldFor.isEmpty && !known.text().contains("no row is marked"))
    }

    @Test func jsonHasEveryRowWithSnakeCaseKeys() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: try Self.table().jsonData()) as? [String: Any])
        #expect(json["varying_settings"] as? [String] == ["optimizer.lr"])
        let rows = try #require(json["experiments"] as? [[String: Any]])
        #expect(rows.map { $0["experiment"] as? String } == ["Exp_A", "Exp_B", "Exp_C"])
        #expect(rows.map { $0["best"] as? Bool } == [true, false, false])
        let accuracy = try #require(rows[0]["accuracy"] as? [String: Any])
        #expect(abs((accuracy["value"] as? Double ?? 0) - 6.0 / 9) < 1e-12)
        #expect(rows[0]["peak_memory_mb"] as? Double == 812.4 && rows[0]["kept_epoch"] as? Int == 2 && rows[0]["kept_val_accuracy"] as? Double == 0.8)
        #expect(rows[2]["accuracy"] is NSNull || rows[2]["accuracy"] == nil)
        #expect((rows[1]["settings"] as? [String: String])?["optimizer.lr"] == "0.001")
    }

    @Test func comparisonCSVAndHTMLGetTheVaryingColumns() throws {
        let runs = try Self.runs()
        let csv = ComparisonCSV.table(runs)
        #expect(csv.header.last == "setting:optimizer.lr" && csv.header.count == ComparisonCSV.columns.count + 1)
        #expect(csv.rows.map { $0.last } == ["0.01", "0.001"])
        let html = try #require(ComparisonReport(name: "c", runs: runs).files.first { $0.name == ComparisonReport.indexFileName }).contents
        #expect(html.contains("<th class=\"l\">optimizer.lr</th>") && html.contains("<td class=\"l\">0.001</td>"), "\(html)")
    }

    @Test func durations() {
        #expect(ResultsTable.duration(42.14) == "42.1 s")
        #expect(ResultsTable.duration(507) == "8 min 27 s")
        #expect(ResultsTable.duration(3780) == "1 h 03 min")
    }
}
