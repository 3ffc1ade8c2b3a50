// `monkpipe status` through the binary, without a scheduler: the table and JSON after a run
// with one failing experiment, and `--wait`'s exit status (what the Kubernetes comparison Job
// waits on).
import Foundation
import Testing

@Suite("monkpipe status")
struct StatusCommandTests {
    @Test func statusAfterARunWithAFailure() throws {
        let project = try TinyProject("status", epochs: 1, experiments: "  sgd: {}\n  broken: {model: resnet18_v1, pretrained: broken.pth}\n")
        defer { project.cleanUp() }
        try Data("not a weights file".utf8).write(to: project.dir.path("broken.pth"))

        let before = try monkpipe(["status", project.spec], in: project.url)
        #expect(before.status == 0, "\(before)")
        #expect(before.stdout.split(separator: "\n").map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
                == ["experiment state detail", "broken not started", "sgd not started", "comparison not written"], "\(before)")

        let run = try monkpipe(["run", project.spec, "--quiet"], in: project.url)
        #expect(run.status == 1, "\(run)")
        let json = try #require(try parseJSON(try monkpipe(["status", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        let rows = Dictionary(uniqueKeysWithValues: (json["experiments"] as? [[String: Any]] ?? []).map { ($0["experiment"] as? String ?? "", $0) })
        let state = try #require(try parseJSON(String(contentsOf: project.experiment("sgd").appendingPathComponent("experiment-state.json"), encoding: .utf8)) as? [String: Any])
        let accuracy = try #require((state["test"] as? [String: Any])?["accuracy"] as? Double)
        #expect(rows["sgd"]?["state"] as? String == "finished")
        #expect(rows["sgd"]?["test_accuracy"] as? Double == accuracy)
        #expect(rows["broken"]?["state"] as? String == "failed")
        #expect((rows["broken"]?["error"] as? String)?.contains("not a PyTorch file") == true, "\(rows["broken"] ?? [:])")
        #expect((json["comparison"] as? [String: Any])?["state"] as? String == "not_written")

        let text = try monkpipe(["status", project.spec], in: project.url)
        #expect(text.stdout.contains(String(format: "sgd         finished     test accuracy %.4f, checkpoint best (best.safetensors)", accuracy)), "\(text)")

        // One experiment failed: waiting ends at once, with status 1.
        let waited = try monkpipe(["status", project.spec, "--wait", "--interval", "0.1", "--quiet"], in: project.url, timeout: 60)
        #expect(waited.status == 1, "\(waited)")
        #expect(try monkpipe(["status", project.spec, "--interval", "0"], in: project.url).status == 64)
    }

    /// Without a test set an experiment ends with its training: status says finished, not
    /// "test not run", and --wait exits 0 at once (the Kubernetes comparison would wait forever).
    @Test func untestedPipelineFinishesWhenTrained() throws {
        let project = try TinyProject("status-untested", testSet: false, epochs: 1, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let run = try monkpipe(["run", project.spec, "--quiet"], in: project.url)
        #expect(run.status == 0, "\(run)")
        let state = try #require(try parseJSON(String(contentsOf: project.experiment("sgd").appendingPathComponent("experiment-state.json"), encoding: .utf8)) as? [String: Any])
        #expect(state["status"] as? String == "trained")
        let accuracy = try #require((state["training"] as? [String: Any])?["bestValAccuracy"] as? Double)

        let text = try monkpipe(["status", project.spec], in: project.url)
        #expect(text.stdout.contains(String(format: "sgd         finished     trained, no test set (kept checkpoint: epoch 1, validation accuracy %.4f)\n", accuracy)), "\(text)")
        let json = try #require(try parseJSON(try monkpipe(["status", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        let row = try #require((json["experiments"] as? [[String: Any]])?.first)
        #expect(row["state"] as? String == "finished")
        #expect(row["test_stage"] as? Bool == false)
        #expect(row["validation_accuracy"] as? Double == accuracy && row["kept_epoch"] as? Int == 1)
        #expect(row["test_accuracy"] == nil)

        let waited = try monkpipe(["status", project.spec, "--wait", "--interval", "0.1", "--quiet"], in: project.url, timeout: 20)
        #expect(waited.status == 0, "\(waited)")
        #expect(waited.stdout.contains("sgd         finished"), "\(waited)")
    }

    /// An experiment-state.json that is a folder (or damaged) was taken for no state: status
    /// said finished (its stages are cached) and --wait exited 0, while a run that writes the
    /// state fails on it. Status names the file and why; --wait exits 1 at once.
    @Test func anUnreadableStateIsSaidNotTakenForFinished() throws {
        let project = try TinyProject("status-unreadable", perClass: 6, testPerClass: 2, epochs: 1, size: 16, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let run = try monkpipe(["run", project.spec, "--quiet"], in: project.url)
        try #require(run.status == 0, "\(run)")
        let state = project.experiment("sgd").appendingPathComponent("experiment-state.json")
        let saved = try Data(contentsOf: state)
        try FileManager.default.removeItem(at: state)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: false)

        let why = "cannot read \(state.path): it is a folder, not a file"
        let text = try monkpipe(["status", project.spec], in: project.url)
        #expect(text.status == 0 && text.stdout.contains("sgd         unreadable   \(why)\n"), "\(text)")
        let json = try #require(try parseJSON(try monkpipe(["status", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        let row = try #require((json["experiments"] as? [[String: Any]])?.first)
        #expect(row["state"] as? String == "unreadable" && row["error"] as? String == why, "\(row)")
        let waited = try monkpipe(["status", project.spec, "--wait", "--interval", "0.1", "--quiet"], in: project.url, timeout: 30)
        #expect(waited.status == 1 && waited.stdout.contains("unreadable"), "\(waited)")
        // What status warns of: a run that records the experiment fails on the same file.
        let rerun = try monkpipe(["run", project.spec, "--force", "test", "--quiet"], in: project.url)
        #expect(rerun.status == 1 && rerun.stderr.contains("\(state.path): it is a folder, not a file"), "\(rerun)")

        try FileManager.default.removeItem(at: state)
        try Data(saved.prefix(40)).write(to: state)
        let damaged = try monkpipe(["status", project.spec], in: project.url)
        #expect(damaged.stdout.contains("sgd         unreadable   \(state.path) is damaged (it is not valid JSON); restore it from a copy, "
                                        + "or run the pipeline with --force train/sgd to train sgd again, which writes it anew\n"), "\(damaged)")

        // show goes by the same rule: not "not run".
        let shown = try #require(try parseJSON(try monkpipe(["show", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        #expect((shown["experiments"] as? [[String: Any]])?.first?["status"] as? String == "unreadable", "\(shown)")

        try saved.write(to: state)
        let restored = try monkpipe(["status", project.spec, "--wait", "--interval", "0.1"], in: project.url, timeout: 30)
        #expect(restored.status == 0 && restored.stdout.contains("sgd         finished"), "\(restored)")
    }

    /// A train stage whose cache record is damaged: plan says CANNOT RUN and run fails on it
    /// until `--force train/sgd`. Status said `finished` while the test's record was whole, and
    /// `not started` (show: `not run, settings changed since`) once the test's record and the
    /// resume checkpoint were gone too. Both say it is damaged, in run's words, and what to do.
    @Test func aDamagedTrainingIsSaidWithWhatToDo() throws {
        let project = try TinyProject("status-damaged-train", perClass: 6, testPerClass: 2, epochs: 1, size: 16)
        defer { project.cleanUp() }
        try #require(try monkpipe(["run", project.spec, "--quiet"], in: project.url).status == 0)
        let state = try #require(try parseJSON(String(contentsOf: project.experiment("sgd").appendingPathComponent("experiment-state.json"),
                                                      encoding: .utf8)) as? [String: Any])
        let keys = try #require(state["stageKeys"] as? [String: String])
        func record(_ kind: String) throws -> URL { project.dir.path("workspace/.cache/stages/\(try #require(keys[kind])).json") }
        let train = try record("train")
        try Data(try Data(contentsOf: train).prefix(50)).write(to: train)
        let why = "the stage record \(train.path) does not decode; run with --force train/sgd to train it again"
        let plan = try monkpipe(["plan", project.spec], in: project.url)
        #expect(plan.stdout.contains("CANNOT RUN: " + why), "\(plan)")

        func check(_ label: String) throws {
            let status = try monkpipe(["status", project.spec], in: project.url)
            #expect(status.stdout.contains("\nsgd         unreadable   train/sgd cannot run: \(why)\n"), "\(label): \(status)")
            #expect(status.stdout.contains("\nadam        finished "), "\(label): \(status)")
            let json = try #require(try parseJSON(try monkpipe(["status", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
            let sgd = try #require((json["experiments"] as? [[String: Any]])?.first { $0["experiment"] as? String == "sgd" })
            #expect(sgd["state"] as? String == "unreadable" && sgd["damaged_stage"] as? String == "train/sgd"
                    && sgd["error"] as? String == "train/sgd cannot run: " + why && sgd["trained"] as? Bool == false
                    && sgd["training_of_other_settings"] == nil, "\(label): \(sgd)")

            let show = try monkpipe(["show", project.spec], in: project.url)
            let row = try #require(show.stdout.split(separator: "\n").first { $0.contains(" sgd ") }, "\(label): \(show)")
            #expect(row.contains("  training damaged ") && row.filter { $0 == "—" }.count == 6 && !row.contains("%")
                    && !row.contains("settings changed since"), "\(label): \(show)")
            #expect(!row.hasPrefix("*"), "\(label): \(show)")
            // sgd's kept checkpoint is not known and might validate highest: adam is not marked in its place.
            let adamRow = try #require(show.stdout.split(separator: "\n").first { $0.contains(" adam ") }, "\(label): \(show)")
            #expect(!adamRow.hasPrefix("*") && show.stdout.contains(
                "\nno row is marked *: the kept checkpoint of sgd is not known (see its status) and might validate highest\n"),
                    "\(label): \(show)")
            #expect(show.stderr == "warning: train/sgd cannot run: \(why)\n", "\(label): \(show)")
            let shown = try #require(try parseJSON(try monkpipe(["show", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
            let shownRow = try #require((shown["experiments"] as? [[String: Any]])?.first { $0["experiment"] as? String == "sgd" })
            #expect(shownRow["status"] as? String == "training damaged" && shownRow["training_of_other_settings"] as? Bool == false
                    && shownRow["test_of_other_settings"] as? Bool == false, "\(label): \(shownRow)")
            // Nothing fixes it by itself: --wait does not wait for it.
            let waited = try monkpipe(["status", project.spec, "--wait", "--interval", "0.1", "--quiet"], in: project.url, timeout: 30)
            #expect(waited.status == 1, "\(label): \(waited)")
        }
        // The test's record is whole: its results are there, but a run fails on the training.
        try check("test cached")
        let run = try monkpipe(["run", project.spec, "--quiet"], in: project.url)
        #expect(run.status == 1 && run.stderr.contains("train/sgd cannot run: " + why), "\(run)")
        // Neither the test's record nor a resume checkpoint says anything more.
        try FileManager.default.removeItem(at: try record("test"))
        try FileManager.default.removeItem(at: project.experiment("sgd").appendingPathComponent("output/models/resume.monksnap"))
        try check("test not cached")

        let forced = try monkpipe(["run", project.spec, "--force", "train/sgd", "--quiet"], in: project.url)
        #expect(forced.status == 0, "\(forced)")
        let after = try monkpipe(["status", project.spec], in: project.url)
        #expect(after.stdout.contains("\nsgd         finished     test accuracy "), "\(after)")
        let shownAfter = try monkpipe(["show", project.spec], in: project.url)
        #expect(shownAfter.stdout.split(separator: "\n").contains { $0.hasPrefix("*") }
                && !shownAfter.stdout.contains("no row is marked"), "\(shownAfter)")
    }

    /// A test that failed under some test-only settings, then other test-only settings and
    /// `run --stage train`: show said "failed" (the state's last word) where status said the
    /// test had not run. The training is cached; the test has not run under these settings.
    @Test func showAndStatusAgreeAfterATrainOnlyRun() throws {
        let project = try TinyProject("status-show", perClass: 6, testPerClass: 2, epochs: 1, size: 16, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        try #require(try monkpipe(["run", project.spec, "--quiet"], in: project.url).status == 0)
        func showStatus(_ options: [String]) throws -> String? {
            let json = try parseJSON(try monkpipe(["show", project.spec, "--json"] + options, in: project.url).stdout) as? [String: Any]
            return (json?["experiments"] as? [[String: Any]])?.first?["status"] as? String
        }
        #expect(try showStatus([]) == "tested")
        // The test results on disk are of 50 bootstrap samples: shown, but not as current.
        #expect(try showStatus(["--set", "defaults.evaluation.bootstrap.samples=80"]) == "trained, test not run, settings changed since")
        // The test of other bootstrap samples fails: a file stands where it writes its report.
        let testFolder = project.experiment("sgd").appendingPathComponent("output/test")
        try FileManager.default.removeItem(at: testFolder)
        try Data().write(to: testFolder)
        let failed = try monkpipe(["run", project.spec, "--set", "defaults.evaluation.bootstrap.samples=60", "--quiet"], in: project.url)
        #expect(failed.status == 1 && failed.stderr.contains("a file is in the way"), "\(failed)")
        try FileManager.default.removeItem(at: testFolder)

        let other = ["--set", "defaults.evaluation.bootstrap.samples=70"]
        let trained = try monkpipe(["run", project.spec, "--stage", "train", "--quiet"] + other, in: project.url)
        #expect(trained.status == 0, "\(trained)")
        let status = try monkpipe(["status", project.spec] + other, in: project.url)
        #expect(status.stdout.contains("sgd         interrupted  trained; test not run; run or submit again to resume"), "\(status)")
        let show = try monkpipe(["show", project.spec] + other, in: project.url)
        #expect(show.stdout.contains("  sgd         trained, test not run  —"), "\(show)")
        #expect(try showStatus(other) == "trained, test not run")
        // Under the settings it failed with, both say failed.
        let again = ["--set", "defaults.evaluation.bootstrap.samples=60"]
        #expect(try monkpipe(["status", project.spec] + again, in: project.url).stdout.contains("sgd         failed "))
        let failedShow = try monkpipe(["show", project.spec] + again, in: project.url)
        #expect(failedShow.stdout.contains("  sgd         failed  "), "\(failedShow)")
    }

    /// One experiment's test setting changed, then `run --stage train`: show printed its old
    /// test numbers beside the other's current ones, marked `*` where it validated highest.
    /// The table withholds them and says why; --json keeps them, marked.
    @Test func showWithholdsTestResultsOfOtherSettings() throws {
        let project = try TinyProject("show-stale", perClass: 6, testPerClass: 2, epochs: 1, size: 16)
        defer { project.cleanUp() }
        try #require(try monkpipe(["run", project.spec, "--quiet"], in: project.url).status == 0)
        func rows(_ options: [String]) throws -> [String: [String: Any]] {
            let json = try parseJSON(try monkpipe(["show", project.spec, "--json"] + options, in: project.url).stdout) as? [String: Any]
            return Dictionary(uniqueKeysWithValues: (json?["experiments"] as? [[String: Any]] ?? []).map { ($0["experiment"] as? String ?? "", $0) })
        }
        let before = try rows([])
        let accuracy = try #require((before["sgd"]?["accuracy"] as? [String: Any])?["value"] as? Double)
        let other = ["--set", "experiments.sgd.evaluation.bootstrap.samples=80"]
        let trained = try monkpipe(["run", project.spec, "--stage", "train", "--quiet"] + other, in: project.url)
        #expect(trained.status == 0, "\(trained)")

        let after = try rows(other)
        #expect(after["sgd"]?["status"] as? String == "trained, test not run, settings changed since")
        #expect(after["sgd"]?["test_of_other_settings"] as? Bool == true && after["adam"]?["test_of_other_settings"] as? Bool == false)
        #expect((after["sgd"]?["accuracy"] as? [String: Any])?["value"] as? Double == accuracy)
        #expect(after["sgd"]?["best"] as? Bool == false)

        let show = try monkpipe(["show", project.spec] + other, in: project.url)
        let lines = show.stdout.split(separator: "\n").map(String.init)
        let sgd = try #require(lines.first { $0.contains(" sgd ") }, "\(show)")
        #expect(sgd.contains("  trained, test not run, settings changed since  —  "), "\(show)")
        // No interval: the kept checkpoint's "val 100.0%" is the only percentage on the row.
        #expect(!sgd.contains("%–"), "\(show)")
        let adam = try #require(lines.first { $0.contains(" adam ") }, "\(show)")
        #expect(adam.contains("%–"), "\(show)")
        // adam is marked only where its kept checkpoint validates higher than sgd's.
        let keptVal = { (name: String) in after[name]?["kept_val_accuracy"] as? Double ?? 0 }
        #expect(adam.hasPrefix("*") == (keptVal("adam") > keptVal("sgd")), "\(show)")
        #expect(show.stdout.contains("\nsettings changed since: the test results on disk are of other settings than the file's now"), "\(show)")
    }

    /// One experiment's training setting changed (its epochs): show gave its old training's
    /// kept checkpoint, time and memory as if current. The row withholds them and says why,
    /// the other row is the validation choice; --json keeps them, marked.
    @Test func showWithholdsATrainingOfOtherSettings() throws {
        let project = try TinyProject("show-stale-training", perClass: 6, testPerClass: 2, epochs: 1, size: 16)
        defer { project.cleanUp() }
        try #require(try monkpipe(["run", project.spec, "--quiet"], in: project.url).status == 0)
        let other = ["--set", "experiments.sgd.epochs=2"]
        let json = try #require(try parseJSON(try monkpipe(["show", project.spec, "--json"] + other, in: project.url).stdout) as? [String: Any])
        let rows = Dictionary(uniqueKeysWithValues: (json["experiments"] as? [[String: Any]] ?? []).map { ($0["experiment"] as? String ?? "", $0) })
        #expect(rows["sgd"]?["status"] as? String == "not run, settings changed since")
        #expect(rows["sgd"]?["training_of_other_settings"] as? Bool == true && rows["adam"]?["training_of_other_settings"] as? Bool == false)
        #expect(rows["sgd"]?["kept_epoch"] as? Int == 1 && rows["sgd"]?["training_seconds"] as? Double != nil, "\(rows["sgd"] ?? [:])")
        #expect(rows["sgd"]?["best"] as? Bool == false && rows["adam"]?["best"] as? Bool == true)

        let show = try monkpipe(["show", project.spec] + other, in: project.url)
        let lines = show.stdout.split(separator: "\n").map(String.init)
        let sgd = try #require(lines.first { $0.contains(" sgd ") }, "\(show)")
        #expect(sgd.contains("  not run, settings changed since  —"), "\(show)")
        #expect(sgd.filter { $0 == "—" }.count == 6 && !sgd.contains("epoch") && !sgd.contains("MB") && !sgd.contains("%"), "\(show)")
        let adam = try #require(lines.first { $0.contains(" adam ") }, "\(show)")
        #expect(adam.hasPrefix("*") && adam.contains("epoch 1, val ") && adam.hasSuffix(" MB"), "\(show)")
        #expect(show.stdout.contains("\nsettings changed since: the training on disk (kept checkpoint, training time, peak memory)"), "\(show)")
    }

    /// The README's quick iteration after a full run (`--set defaults.epochs=1 --set
    /// data.limit=…`): on the plain spec status said `not started` with nothing more, while
    /// show said `not run, settings changed since`. Both now say that the folder holds a
    /// training of other settings, which a run trains again, in the same words and JSON flag.
    @Test func statusAndShowAgreeAfterAQuickRun() throws {
        let project = try TinyProject("quick-iteration", perClass: 6, testPerClass: 2, epochs: 2, size: 16)
        defer { project.cleanUp() }
        let before = try monkpipe(["status", project.spec, "--json"], in: project.url)
        #expect(!before.stdout.contains("training_of_other_settings"), "nothing on disk yet: \(before)")
        try #require(try monkpipe(["run", project.spec, "--quiet"], in: project.url).status == 0)
        let quick = try monkpipe(["run", project.spec, "--set", "defaults.epochs=1", "--set", "data.limit=5", "--quiet"], in: project.url)
        try #require(quick.status == 0, "\(quick)")

        let words = "settings changed since: its training on disk is of other settings than the file's now;"
            + " run the pipeline to train and test it with these settings"
        let status = try monkpipe(["status", project.spec], in: project.url)
        for name in ["adam", "sgd"] {
            #expect(status.stdout.contains("\n" + name.padding(toLength: 12, withPad: " ", startingAt: 0) + "not started  " + words + "\n"), "\(status)")
        }
        let json = try #require(try parseJSON(try monkpipe(["status", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        let states = (json["experiments"] as? [[String: Any]] ?? [])
        #expect(states.count == 2 && states.allSatisfy { $0["state"] as? String == "not_started" && $0["training_of_other_settings"] as? Bool == true },
                "\(states)")

        let shown = try #require(try parseJSON(try monkpipe(["show", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        let rows = (shown["experiments"] as? [[String: Any]] ?? [])
        #expect(rows.count == 2 && rows.allSatisfy { $0["status"] as? String == "not run, settings changed since"
                    && $0["training_of_other_settings"] as? Bool == true && $0["best"] as? Bool == false }, "\(rows)")
        let show = try monkpipe(["show", project.spec], in: project.url)
        #expect(show.stdout.contains("\nsettings changed since: the training on disk"), "\(show)")

        // The quick settings themselves are current: nothing of other settings there.
        let again = try monkpipe(["status", project.spec, "--json", "--set", "defaults.epochs=1", "--set", "data.limit=5"], in: project.url)
        #expect(!again.stdout.contains("training_of_other_settings") && again.stdout.contains("\"state\":\"finished\""), "\(again)")
    }

    /// experiment-state.json deleted (not damaged) while every stage is cached: status said
    /// `finished  tested` with no accuracy, show had no numbers for it (and marked another row
    /// `*` in its place), and a plain run wrote nothing. Status gives the accuracy of the cached
    /// test's metrics and says the state is missing; show gives the numbers a run writes again
    /// from the stages' outputs (the rows and marks of before, but for the missing state's
    /// words); a run writes it again, as it was but for `updated`.
    @Test func aDeletedStateIsWrittenAgainByARun() throws {
        let project = try TinyProject("state-deleted", perClass: 6, testPerClass: 2, epochs: 2, size: 16)
        defer { project.cleanUp() }
        try #require(try monkpipe(["run", project.spec, "--quiet"], in: project.url).status == 0)
        let url = project.experiment("sgd").appendingPathComponent("experiment-state.json")
        // The state and show's rows but for when the state was written and the peak memory: a
        // written-again state has the one the training's saved state recorded after its last
        // epoch, which the run's own figure (measured once more at its end) can pass a little.
        var peaks: [Double] = []
        func state() throws -> [String: Any] {
            var s = try #require(try parseJSON(String(contentsOf: url, encoding: .utf8)) as? [String: Any])
            s["updated"] = nil
            var training = try #require(s["training"] as? [String: Any])
            peaks.append(try #require(training.removeValue(forKey: "peakMemoryMB") as? Double))
            s["training"] = training
            return s
        }
        func shown() throws -> [NSDictionary] {
            let json = try #require(try parseJSON(try monkpipe(["show", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
            return (json["experiments"] as? [[String: Any]] ?? []).map { row in
                var row = row
                row["peak_memory_mb"] = nil
                return NSDictionary(dictionary: row)
            }
        }
        let original = try state()
        let accuracy = try #require((original["test"] as? [String: Any])?["accuracy"] as? Double)
        #expect((original["training"] as? [String: Any])?["epochsRun"] as? Int == 2)
        let rowsBefore = try shown()
        #expect(rowsBefore.count == 2)
        try FileManager.default.removeItem(at: url)

        let status = try monkpipe(["status", project.spec], in: project.url)
        #expect(status.stdout.contains(String(format: "sgd         finished     test accuracy %.4f, checkpoint best (best.safetensors);"
                                              + " experiment-state.json missing: run the pipeline to write it again\n", accuracy)), "\(status)")
        let json = try #require(try parseJSON(try monkpipe(["status", project.spec, "--json"], in: project.url).stdout) as? [String: Any])
        let rows = Dictionary(uniqueKeysWithValues: (json["experiments"] as? [[String: Any]] ?? []).map { ($0["experiment"] as? String ?? "", $0) })
        #expect(rows["sgd"]?["state_missing"] as? Bool == true && rows["sgd"]?["test_accuracy"] as? Double == accuracy)
        #expect(rows["adam"]?["state_missing"] == nil)
        let show = try monkpipe(["show", project.spec], in: project.url)
        let sgd = try #require(show.stdout.split(separator: "\n").first { $0.contains(" sgd ") }, "\(show)")
        #expect(sgd.contains(String(format: "  %.1f%% (", accuracy * 100)) && sgd.contains("epoch ") && sgd.hasSuffix(" MB"), "\(show)")
        #expect(show.stdout.contains("\nexperiment-state.json missing (sgd): the numbers are read from the cached stages' outputs"), "\(show)")
        // The same rows as before (the same * too), but for what says that the state is missing.
        let missing = try shown().map { row -> NSDictionary in
            let row = try #require(row.mutableCopy() as? NSMutableDictionary)
            if row["experiment"] as? String == "sgd" {
                #expect(row["status"] as? String == "tested, experiment-state.json missing" && row["state_missing"] as? Bool == true, "\(row)")
                row["status"] = "tested"
                row.removeObject(forKey: "state_missing")
            }
            return row
        }
        #expect(missing == rowsBefore, "\(missing) \(rowsBefore)")

        let run = try monkpipe(["run", project.spec, "--quiet"], in: project.url)
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run)")
        let restored = try state()
        #expect(NSDictionary(dictionary: restored).isEqual(to: original), "\(restored)")
        #expect(peaks.count == 2 && peaks[1] > 0 && peaks[1] <= peaks[0], "\(peaks)")
        #expect(try shown() == rowsBefore)
        let after = try monkpipe(["status", project.spec], in: project.url)
        #expect(after.stdout.contains(String(format: "sgd         finished     test accuracy %.4f, checkpoint best (best.safetensors)\n", accuracy)),
                "\(after)")
    }

    @Test func waitReturnsOnceEveryExperimentFinished() throws {
        let project = try TinyProject("status-wait", epochs: 1, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let waiting = try RunningCommand(["status", project.spec, "--wait", "--interval", "0.2"], in: project.url)
        Thread.sleep(forTimeInterval: 1)
        #expect(waiting.process.isRunning, "status --wait returned before anything ran: \(waiting.stdoutSoFar)")
        let run = try monkpipe(["run", project.spec, "--quiet"], in: project.url)
        #expect(run.status == 0, "\(run)")
        let waited = waiting.wait(timeout: 60)
        #expect(waited.status == 0, "\(waited)")
        #expect(waited.stdout.contains("1 not started"), "\(waited)")
        #expect(waited.stdout.contains("sgd"), "\(waited)")
    }
}
