// What a user reads when the file system refuses: one line with the operation, the path and
// the reason, in `run`'s output, in `status` and in experiment-state.json — never Foundation's
// "Error Domain=NSCocoaErrorDomain Code=516 …" dump nor strerror's "Permission denied"; and
// when a JSON file of the workspace no longer decodes, which file, what is wrong and what to
// do — never Swift's "DecodingError.dataCorrupted" dump. Through the binary, as a user meets them.
import Foundation
import Testing

@Suite("monkpipe binary: file-system errors as sentences")
struct FileErrorMessageTests {
    /// The row `status` prints for `experiment` and the `error` its experiment-state.json records.
    static func recorded(_ p: TinyProject, _ experiment: String) throws -> (row: String, error: String?) {
        let status = try monkpipe(["status", p.spec], in: p.url)
        let row = status.stdout.split(separator: "\n").first { $0.hasPrefix(experiment + " ") }.map(String.init) ?? "\(status)"
        let state = try parseJSON(String(contentsOf: p.experiment(experiment).appendingPathComponent("experiment-state.json"), encoding: .utf8))
        return (row, (state as? [String: Any])?["error"] as? String)
    }

    /// A one-experiment project (sgd, one epoch) that has run once; the caller cleans it up.
    static func ranProject(_ label: String) throws -> TinyProject {
        let p = try TinyProject(label, epochs: 1, experiments: "  sgd: {}\n")
        let run = try monkpipe(["run", p.spec, "--quiet"], in: p.url)
        #expect(run.status == 0, "\(run)")
        return p
    }

    /// A file where the test stage writes its folder (the report of the bug: code 516).
    @Test func aFileInTheWayOfTheTestFolder() throws {
        let p = try Self.ranProject("fs-in-the-way")
        defer { p.cleanUp() }
        let folder = p.experiment("sgd").appendingPathComponent("output/test")
        try FileManager.default.removeItem(at: folder)
        try Data("not a folder\n".utf8).write(to: folder)

        let run = try monkpipe(["run", p.spec, "--quiet", "--force", "test"], in: p.url)
        let message = "cannot create folder \(folder.path): a file is in the way"
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr == "warning: test/sgd failed: \(message)\nerror: test/sgd: \(message)\n", "\(run)")
        let (row, error) = try Self.recorded(p, "sgd")
        #expect(row == "sgd         failed       \(message)")
        #expect(error == message)
    }

    /// The workspace's path runs through a file: the run stops before any stage, naming the file.
    @Test func aWorkspaceUnderAFile() throws {
        let p = try TinyProject("fs-under-file", epochs: 1, experiments: "  sgd: {}\n")
        defer { p.cleanUp() }
        try Data("a file, not the workspace\n".utf8).write(to: p.dir.path("workspace"))
        let run = try monkpipe(["run", p.spec, "--quiet"], in: p.url)
        let workspace = p.dir.path("workspace").path
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr == "error: cannot create \(workspace)/.cache: \(workspace) is a file, not a folder\n", "\(run)")
    }

    /// An experiment's state that cannot be read: `evaluate` says which file and why.
    @Test func anUnreadableExperimentState() throws {
        let p = try Self.ranProject("fs-unreadable")
        defer { p.cleanUp() }
        let state = p.experiment("sgd").appendingPathComponent("experiment-state.json")
        try FileManager.default.removeItem(at: state)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: false)

        let evaluate = try monkpipe(["evaluate", "--experiment", p.experiment("sgd").path, "--data", "data/test", "--quiet"], in: p.url)
        #expect(evaluate.status == 1, "\(evaluate)")
        #expect(evaluate.stderr == "error: cannot read \(state.path): it is a folder, not a file\n", "\(evaluate)")
    }

    /// As root, permissions do not stop a write: the run then goes as user nobody (setpriv),
    /// with the output folder still root's. As another user, the folder is made read-only.
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func aFolderWithoutWritePermission() throws {
        let p = try TinyProject("fs-denied", epochs: 1, experiments: "  sgd: {}\n")
        defer {
            _ = chmod(p.experiment("sgd").appendingPathComponent("output").path, 0o755)
            p.cleanUp()
        }
        #expect(try monkpipe(["run", p.spec, "--quiet"], in: p.url).status == 0)
        let output = p.experiment("sgd").appendingPathComponent("output")
        try FileManager.default.removeItem(at: output.appendingPathComponent("test"))
        let run: CommandResult
        if getuid() == 0 {
            #expect(try Self.shell(["/bin/chown", "-R", "65534:65534", p.url.path]) == 0)
            #expect(chown(output.path, 0, 0) == 0)
            run = try Self.asNobody(["run", p.spec, "--quiet", "--force", "test"], in: p.url)
        } else {
            #expect(chmod(output.path, 0o555) == 0)
            run = try monkpipe(["run", p.spec, "--quiet", "--force", "test"], in: p.url)
        }
        let message = "cannot create \(output.path)/test: permission denied"
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr == "warning: test/sgd failed: \(message)\nerror: test/sgd: \(message)\n", "\(run)")
        let (row, error) = try Self.recorded(p, "sgd")
        #expect(row == "sgd         failed       \(message)")
        #expect(error == message)
    }

    // MARK: reading: the same words as writing, not strerror's

    /// A weights path under a file, and a weights path that is a folder: the words of every file error.
    @Test func weightsThatCannotBeRead() throws {
        let p = try TinyProject("fs-weights", epochs: 1, experiments: "  sgd: {}\n")
        defer { p.cleanUp() }
        let under = p.dir.path("tiny.yaml/x.pth").path
        let classify = try monkpipe(["classify", "--model", "tiny_cnn", "--weights", under, "data/test/NORMAL"], in: p.url)
        #expect(classify.status == 1, "\(classify)")
        #expect(classify.stderr == "error: \(under): \(p.dir.path("tiny.yaml").path) is a file, not a folder\n", "\(classify)")

        try FileManager.default.createDirectory(at: p.dir.path("w.pth"), withIntermediateDirectories: false)
        let folder = try monkpipe(["classify", "--model", "tiny_cnn", "--weights", p.dir.path("w.pth").path, "data/test/NORMAL"], in: p.url)
        #expect(folder.stderr == "error: \(p.dir.path("w.pth").path): is a folder, not a weights file\n", "\(folder)")
    }

    /// A spec whose folder does not exist: `validate` names the missing folder.
    @Test func aSpecInAMissingFolder() throws {
        let p = try TinyProject("fs-spec", epochs: 1, experiments: "  sgd: {}\n")
        defer { p.cleanUp() }
        let validate = try monkpipe(["validate", "gone/tiny.yaml"], in: p.url)
        let gone = p.dir.path("gone").path
        #expect(validate.status == 2, "\(validate)")
        #expect(validate.stderr == "gone/tiny.yaml: error: cannot read \(gone)/tiny.yaml: folder \(gone) does not exist\n1 error in gone/tiny.yaml\n",
                "\(validate)")
    }

    /// An experiment's lock file that is a folder: the run names it with "it is a folder, not
    /// a file", as a failure of the stage (status 1), not as another run's lock (status 3),
    /// and leaves it as it is.
    @Test func aLockThatIsAFolder() throws {
        let p = try Self.ranProject("fs-lock")
        defer { p.cleanUp() }
        let lock = p.experiment("sgd").appendingPathComponent(".lock")
        try? FileManager.default.removeItem(at: lock)
        try FileManager.default.createDirectory(at: lock, withIntermediateDirectories: false)
        let run = try monkpipe(["run", p.spec, "--quiet", "--force", "test"], in: p.url)
        let message = "cannot open lock file \(lock.path): it is a folder, not a file"
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr == "warning: test/sgd failed: \(message)\nerror: test/sgd: \(message)\n", "\(run)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: lock.path).isEmpty)
    }

    /// An image and a class folder nobody may read, in check-data's report and in a run.
    @Test(.enabled(if: getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
    func imagesThatCannotBeRead() throws {
        let p = try TinyProject("fs-images", epochs: 1, experiments: "  sgd: {}\n")
        defer { p.cleanUp() }
        let folder = p.dir.path("data/train/NORMAL")
        let image = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()[0]
        #expect(chmod(folder.appendingPathComponent(image).path, 0o000) == 0)
        func asUser(_ arguments: [String]) throws -> CommandResult {
            if getuid() != 0 { return try monkpipe(arguments, in: p.url) }
            #expect(try Self.shell(["/bin/chown", "-R", "65534:65534", p.url.path]) == 0)
            return try Self.asNobody(arguments, in: p.url)
        }
        let check = try asUser(["check-data", p.spec])
        #expect(check.stdout.contains("unreadable files: 1\n  NORMAL/\(image): cannot read file: permission denied\n"), "\(check)")
        let run = try asUser(["run", p.spec, "--quiet"])
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("  train: NORMAL/\(image): cannot read file: permission denied\n"), "\(run)")

        let test = p.dir.path("data/test/PNEUMONIA")
        #expect(chmod(test.path, 0o000) == 0)
        defer { _ = chmod(test.path, 0o755) }
        let listing = try asUser(["check-data", p.spec])
        #expect(listing.status == 1, "\(listing)")
        #expect(listing.stderr == "error: cannot read folder \(test.path): permission denied\n", "\(listing)")
    }

    // MARK: JSON files of the workspace that no longer decode

    /// A damaged experiment-state.json: `evaluate` and `compare` name it, say what is wrong and
    /// what to do, and leave it as it was.
    @Test func aDamagedExperimentState() throws {
        let p = try Self.ranProject("fs-damaged-state")
        defer { p.cleanUp() }
        let state = p.experiment("sgd").appendingPathComponent("experiment-state.json")
        let garbage = Data("{\"status\": \"trai".utf8)
        try garbage.write(to: state)
        let remedy = "restore it from a copy, or run the pipeline with --force train/sgd to train sgd again, which writes it anew"

        let evaluate = try monkpipe(["evaluate", "--experiment", p.experiment("sgd").path, "--data", "data/test", "--quiet"], in: p.url)
        #expect(evaluate.status == 1, "\(evaluate)")
        #expect(evaluate.stderr == "error: \(state.path) is damaged (it is not valid JSON); \(remedy)\n", "\(evaluate)")

        try Data("{}".utf8).write(to: state)
        let compare = try monkpipe(["compare", p.spec], in: p.url)
        #expect(compare.status == 1, "\(compare)")
        #expect(compare.stderr == "error: \(state.path) is damaged (format is missing); \(remedy)\n", "\(compare)")
        #expect(try Data(contentsOf: state) == Data("{}".utf8))
    }

    /// An experiment-state.json that is damaged, then a folder, where the stages are cached:
    /// `status` says `unreadable` with the file, what is wrong and what to do, `show` says
    /// `unreadable` and warns with the same words, and a run, which does not write the state of
    /// a cached experiment, warns with them (it said nothing); the file is left as it is.
    @Test func anUnreadableStateInStatusShowAndRun() throws {
        let p = try Self.ranProject("fs-damaged-status")
        defer { p.cleanUp() }
        let state = p.experiment("sgd").appendingPathComponent("experiment-state.json")
        let tested = try #require(try parseJSON(String(contentsOf: state, encoding: .utf8)) as? [String: Any])
        let accuracy = try #require((tested["test"] as? [String: Any])?["accuracy"] as? Double)
        try Data("{\"status\": \"trai".utf8).write(to: state)
        let damage = "\(state.path) is damaged (it is not valid JSON); "
            + "restore it from a copy, or run the pipeline with --force train/sgd to train sgd again, which writes it anew"
        func said(_ why: String) throws {
            let status = try monkpipe(["status", p.spec], in: p.url)
            let row = status.stdout.split(separator: "\n").first { $0.hasPrefix("sgd ") }.map(String.init)
            #expect(row == "sgd         unreadable   \(why)", "\(status)")
            let waited = try monkpipe(["status", p.spec, "--wait", "--interval", "0.1", "--quiet"], in: p.url, timeout: 30)
            #expect(waited.status == 1, "\(waited)")

            let show = try monkpipe(["show", p.spec], in: p.url)
            #expect(show.status == 0, "\(show)")
            #expect(show.stdout.contains("  sgd         unreadable     —"), "\(show)")
            #expect(show.stderr == "warning: \(why)\n", "\(show)")

            let run = try monkpipe(["run", p.spec, "--quiet"], in: p.url)
            #expect(run.status == 0, "\(run)")
            #expect(run.stderr == "warning: \(why)\n", "\(run)")
        }
        try said(damage)
        #expect(try Data(contentsOf: state) == Data("{\"status\": \"trai".utf8))

        // What the words say to do: a forced training writes the state anew (the test stays
        // cached: the same training key trains the same weights), and the cached test's results
        // come back into it from its metrics.json: status said `finished  tested` with no
        // accuracy, and the state `trained`, until --force test/sgd.
        let forced = try monkpipe(["run", p.spec, "--force", "train/sgd", "--quiet"], in: p.url)
        #expect(forced.status == 0 && forced.stderr.isEmpty, "\(forced)")
        let rewritten = try monkpipe(["status", p.spec], in: p.url)
        #expect(rewritten.stdout.contains(String(format: "sgd         finished     test accuracy %.4f, checkpoint best (best.safetensors)\n", accuracy)),
                "\(rewritten)")
        let written = try #require(try parseJSON(String(contentsOf: state, encoding: .utf8)) as? [String: Any])
        #expect(written["status"] as? String == "tested" && (written["test"] as? [String: Any])?["accuracy"] as? Double == accuracy, "\(written)")
        #expect((written["stageKeys"] as? [String: String])?["test"] == (tested["stageKeys"] as? [String: String])?["test"], "\(written)")

        // A folder in its place keeps the words of any file error.
        try FileManager.default.removeItem(at: state)
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: false)
        try said("cannot read \(state.path): it is a folder, not a file")
    }

    /// The load stage's lock file that is a folder: the run stops with the file's words and
    /// status 1 (it said "load not run" and exited 3, another run's status); the folder stays.
    @Test func aLoadLockThatIsAFolder() throws {
        let p = try Self.ranProject("fs-load-lock")
        defer { p.cleanUp() }
        let load = p.dir.path("workspace/.cache/load")
        let key = try #require(try FileManager.default.contentsOfDirectory(atPath: load.path).first)
        let lock = load.appendingPathComponent("\(key).lock")
        try FileManager.default.createDirectory(at: lock, withIntermediateDirectories: false)
        let run = try monkpipe(["run", p.spec, "--quiet", "--force", "load"], in: p.url)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr == "error: cannot open lock file \(lock.path): it is a folder, not a file\n", "\(run)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: lock.path).isEmpty)
    }

    /// A training history whose epoch is text: `compare` names the field.
    @Test func aDamagedHistory() throws {
        let p = try Self.ranProject("fs-damaged-history")
        defer { p.cleanUp() }
        let history = p.experiment("sgd").appendingPathComponent("output/logs/history.json")
        try Data("[{\"epoch\": \"one\"}]".utf8).write(to: history)
        let compare = try monkpipe(["compare", p.spec], in: p.url)
        #expect(compare.status == 1, "\(compare)")
        #expect(compare.stderr == "error: \(history.path) is damaged ([0].epoch is not a number); "
                + "run the pipeline with --force train/sgd to train sgd again\n", "\(compare)")
    }

    /// A split manifest that is not JSON: the load stage stops, names it and says that deleting it
    /// draws the same split; the file stays.
    @Test func aDamagedSplitManifest() throws {
        let p = try Self.ranProject("fs-damaged-split")
        defer { p.cleanUp() }
        let load = p.dir.path("workspace/.cache/load")
        let key = try #require(try FileManager.default.contentsOfDirectory(atPath: load.path).first)
        let manifest = load.appendingPathComponent("\(key)/split-manifest.json")
        try Data().write(to: manifest)
        let run = try monkpipe(["run", p.spec, "--quiet", "--force", "load"], in: p.url)
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("cannot read split manifest \(manifest.path): it is damaged (it is empty); "
                                    + "delete it, and the load stage draws the same split again from the seed\n"), "\(run)")
        #expect(try Data(contentsOf: manifest).isEmpty)
    }

    static func shell(_ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `monkpipe arguments…` run as user and group 65534 (nobody), as `monkpipe(…)` runs it.
    static func asNobody(_ arguments: [String], in directory: URL) throws -> CommandResult {
        let command = ["--reuid=65534", "--regid=65534", "--clear-groups", try TestEnvironment.binary().path] + arguments
        return try RunningCommand(command, in: directory, executable: URL(fileURLWithPath: "/usr/bin/setpriv")).wait()
    }
}
