// What the README promises about exit statuses and JSON, through the binary (issue 11 item 6):
// a held lock exits 3, `validate --json` prints JSON for bad specs too and spells keys as the
// YAML does, and `check-data` takes a folder.
import Foundation
import MonkPipeline
import Testing

@Suite("monkpipe binary: documented contracts")
struct DocumentedContractsTests {
    /// README "Exit status": 3 when another run holds the experiment's lock, naming it; the
    /// other experiment still runs, and nothing is written into the held one.
    @Test func heldLockExitsThree() throws {
        let p = try TinyProject("lock", perClass: 6, testPerClass: 2, epochs: 1)
        defer { p.cleanUp() }
        let held = try RunLock(p.experiment("sgd").appendingPathComponent(".lock"), command: "monkpipe run other.yaml")
        defer { held.release() }
        let r = try monkpipe(["run", p.spec], in: p.url)
        #expect(r.status == 3, "\(r)")
        #expect(r.stderr.contains("train/sgd") && r.stderr.contains("monkpipe run other.yaml"), "\(r)")
        #expect(p.exists("workspace/tiny/adam/experiment-state.json"), "the other experiment ran")
        #expect(!p.exists("workspace/tiny/sgd/experiment-state.json"), "the held experiment is not touched")
    }

    /// `monkpipe --help` lists every exit status the README's table gives; it left out 4
    /// (refused: another project's report in the comparison's folder).
    @Test func helpListsEveryExitStatus() throws {
        let r = try monkpipe(["--help"], in: URL(fileURLWithPath: NSTemporaryDirectory()))
        #expect(r.status == 0, "\(r)")
        let help = r.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let meanings: [Int32: String] = [
            0: "0 success", ExitStatus.failure: "1 a stage or command failed", ExitStatus.badSpec: "2 the spec file is invalid",
            ExitStatus.locked: "3 another run holds the experiment's lock",
            ExitStatus.refused: "4 refused before anything ran (the comparison's folder holds another project's report)",
            ExitStatus.usage: "64 bad command-line usage", ExitStatus.interrupted: "130 interrupted (Ctrl-C)"]
        for (status, meaning) in meanings.sorted(by: { $0.key < $1.key }) {
            #expect(help.contains(meaning), "exit \(status) is not explained in --help:\n\(r.stdout)")
        }
    }

    /// `submit` needs one of --slurm and --kubernetes: its usage line says so (ArgumentParser's
    /// own read "--slurm --kubernetes", as if both were needed).
    @Test func submitUsageOffersEitherScheduler() throws {
        let r = try monkpipe(["submit", "--help"], in: URL(fileURLWithPath: NSTemporaryDirectory()))
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("USAGE: monkpipe submit <file> (--slurm | --kubernetes) [<options>]"), "\(r.stdout)")
        let neither = try monkpipe(["submit", "x.yaml"], in: URL(fileURLWithPath: NSTemporaryDirectory()))
        #expect(neither.status == 64, "\(neither)")
    }

    /// `validate --json`: one JSON line per file, the errors of a bad one (with position and
    /// suggestion) as JSON, the plan of a good one with the YAML's key spelling.
    @Test func validateJSONForGoodAndBadSpecs() throws {
        let p = try TinyProject("validate-json")
        defer { p.cleanUp() }
        try p.dir.write("project: bad\ndata:\n  train: data/train\n  batch_sise: 4\n", to: "bad.yaml")
        let r = try monkpipe(["validate", "--json", p.spec, "bad.yaml"], in: p.url)
        #expect(r.status == 2, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(r)")
        let good = try #require(try parseJSON(lines.first ?? "") as? [String: Any], "\(r)")
        #expect(good["file"] as? String == p.spec && good["valid"] as? Bool == true)
        let plan = try #require(good["plan"] as? [String: Any])
        let data = try #require(plan["data"] as? [String: Any])
        #expect(data["batch_size"] as? Int == 4, "\(data.keys.sorted())")
        #expect(data["batchSize"] == nil && data["input_size"] as? Int == 24, "\(data.keys.sorted())")
        let bad = try #require(try parseJSON(lines.last ?? "") as? [String: Any], "\(r)")
        #expect(bad["valid"] as? Bool == false)
        let errors = try #require(bad["errors"] as? [[String: Any]], "\(bad)")
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?["key_path"] as? String == "data.batch_sise", "\(errors)")
        #expect(errors.first?["suggestion"] as? String == "batch_size", "\(errors)")
        #expect((errors.first?["mark"] as? [String: Int])?["line"] == 4, "\(errors)")
    }

    /// `check-data FOLDER` checks the images in the folder: a dataset root (train/, test/) or
    /// one split of class folders. The tiny project has 12 + 12 train and 4 + 4 test images.
    @Test func checkDataTakesAFolder() throws {
        let p = try TinyProject("check-folder")
        defer { p.cleanUp() }
        func counts(_ folder: String) throws -> (classes: [String], bySplit: [String: [Int]]) {
            let r = try monkpipe(["check-data", folder, "--json"], in: p.url)
            #expect(r.status == 0, "\(r)")
            let report = try #require(try parseJSON(r.stdout) as? [String: Any], "\(r)")
            let splits = try #require(report["splits"] as? [[String: Any]], "\(report)")
            var bySplit: [String: [Int]] = [:]
            for s in splits { bySplit[s["split"] as? String ?? "?"] = s["counts"] as? [Int] }
            return (report["classes"] as? [String] ?? [], bySplit)
        }
        let root = try counts("data")
        #expect(root.classes == ["NORMAL", "PNEUMONIA"])
        #expect(root.bySplit["test"] == [4, 4], "\(root)")
        // train/ is split into train and validation (the default split): 12 + 12 in all.
        #expect(zip(root.bySplit["train"] ?? [], root.bySplit["val"] ?? []).map { $0 + $1 } == [12, 12], "\(root)")
        let split = try counts("data/test")
        #expect(split.bySplit["test"] == nil)
        #expect(zip(split.bySplit["train"] ?? [], split.bySplit["val"] ?? []).map { $0 + $1 } == [4, 4], "\(split)")
        let text = try monkpipe(["check-data", "data"], in: p.url)
        #expect(text.status == 0 && text.stdout.contains("unreadable files: none"), "\(text)")
        // A folder without class folders: what is expected, in words.
        let empty = try monkpipe(["check-data", "data/test/NORMAL"], in: p.url)
        #expect(empty.status == 64, "\(empty)")
        #expect(empty.stderr.contains("expects a pipeline file (YAML), a folder with train/"), "\(empty)")
        // Other commands given a folder say so instead of a Foundation error code.
        let run = try monkpipe(["plan", "data"], in: p.url)
        #expect(run.status == 2, "\(run)")
        #expect(run.stderr.contains("this is a folder; expected a pipeline file (YAML)"), "\(run)")
        #expect(!run.stderr.contains("NSCocoaErrorDomain"), "\(run)")
    }
}

/// A wrong class name is found by `validate` and `plan`, before anything trains (issue 11
/// item 5), with the class it most likely meant.
@Suite("monkpipe binary: class names checked before running")
struct ClassNameCommandTests {
    @Test func validateAndPlanNameTheClass() throws {
        let p = try TinyProject("classnames", experiments: "  sgd:\n    evaluation: {positive_class: normal}\n")
        defer { p.cleanUp() }
        for command in ["validate", "plan", "run"] {
            let r = try monkpipe([command, p.spec], in: p.url)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains("no class named 'normal'") && r.stderr.contains("did you mean 'NORMAL'?"), "\(r)")
        }
        #expect(!p.exists("workspace/.cache/stages"), "nothing ran")
    }
}
