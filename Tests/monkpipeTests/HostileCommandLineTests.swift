// Hostile command lines and files given to the binary (issue 13, items 1, 3, 4): each ends with
// a usage error or a named refusal — never a crash, a 30 GB allocation or a blocked open().
import Foundation
import Testing

@Suite("monkpipe binary: hostile sizes and files")
struct HostileCommandLineTests {
    /// `--crop 0` printed -nan% and exited 0; `--crop 100000 --resize-shorter 100000` tried to
    /// allocate 30 GB. Sizes are validated before anything is read (exit 64, the range named).
    @Test func classifySizesAreValidated() throws {
        let dir = try TempDir("classify-sizes")
        defer { dir.cleanUp() }
        for (args, message) in [(["--resize-shorter", "256", "--crop", "0"], "--crop 0 is outside 32…2048 pixels"),
                                (["--resize-shorter", "100000", "--crop", "100000"], "--resize-shorter 100000 is outside 32…2048 pixels"),
                                (["--resize-shorter", "64", "--crop", "224"], "--crop 224 is larger than the resized image (--resize-shorter 64)")] {
            let r = try monkpipe(["classify", "--model", "tiny_cnn", "--weights", "none.pth"] + args + ["x.png"], in: dir.url)
            #expect(r.status == 64, "\(r)")
            #expect(r.stderr.contains(message), "\(r)")
        }
    }

    /// A FIFO as weights blocked open() forever (and the first Ctrl-C was ignored); a file
    /// whose state-dict key is an int (torch.save({5: tensor})) crashed with signal 11.
    @Test(.timeLimit(.minutes(3))) func classifyRefusesSpecialAndMalformedWeightFiles() throws {
        let dir = try TempDir("classify-weights")
        defer { dir.cleanUp() }
        let image = TestEnvironment.repoRoot.appendingPathComponent("Tests/MonkDataTests/Fixtures/rgb8.png").path
        #expect(mkfifo(dir.path("fifo.pth").path, 0o644) == 0)
        let r = try monkpipe(["classify", "--model", "tiny_cnn", "--weights", "fifo.pth", image], in: dir.url)
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("fifo.pth: is a FIFO (named pipe), not a regular file"), "\(r)")
        // `torch.save({5: torch.zeros(4)}, "x.pth", _use_new_zipfile_serialization=False)`: the
        // legacy format, written here byte by byte (magic, protocol, system info, the dict with
        // an int key, the storage key list, then one storage of 4 floats); torch 2.15 loads
        // these bytes back as {5: tensor([0., 0., 0., 0.])}.
        var bytes: [UInt8] = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e]
        bytes += [0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]  // 1001
        bytes += [0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e]  // {}
        bytes += [0x80, 0x02, 0x7d, 0x28, 0x4b, 0x05]  // { 5:
        bytes += Array("ctorch._utils\n_rebuild_tensor_v2\n(".utf8)
        bytes += [0x28] + [0x58, 7, 0, 0, 0] + Array("storage".utf8) + Array("ctorch\nFloatStorage\n".utf8)
        bytes += [0x58, 1, 0, 0, 0, 0x30] + [0x58, 3, 0, 0, 0] + Array("cpu".utf8) + [0x4b, 4, 0x4e, 0x74, 0x51]
        bytes += [0x4b, 0] + [0x4b, 4, 0x85] + [0x4b, 1, 0x85] + [0x89] + Array("ccollections\nOrderedDict\n)R".utf8)
        bytes += [0x74, 0x52, 0x75, 0x2e]  // ) R } .
        bytes += [0x80, 0x02, 0x5d, 0x28, 0x58, 1, 0, 0, 0, 0x30, 0x65, 0x2e]  // ['0']
        bytes += [4, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16)
        try Data(bytes).write(to: dir.path("intkey.pth"))
        let k = try monkpipe(["classify", "--model", "tiny_cnn", "--weights", "intkey.pth", image], in: dir.url)
        #expect(k.status == 1, "\(k)")
        #expect(k.stderr.contains("state dict key 5 is a int, not a tensor name"), "\(k)")
    }
}

/// `monkpipe gc` and the spec warnings through the binary (issues 11 item 12, 13 item 12).
@Suite("monkpipe binary: gc and misleading specs")
struct CacheCommandLineTests {
    /// After the input size changes, `gc --dry-run` counts the old size's pixels and records,
    /// `gc` deletes them, and the current spec stays cached.
    @Test func gcDeletesWhatTheOldSizeUsed() throws {
        let p = try TinyProject("gc", perClass: 4, testPerClass: 2, epochs: 1, experiments: "  sgd: {}\n")
        defer { p.cleanUp() }
        #expect(try monkpipe(["run", p.spec, "--quiet"], in: p.url).status == 0)
        let spec = try String(contentsOf: p.dir.path(p.spec), encoding: .utf8)
        try p.dir.write(spec.replacingOccurrences(of: "input_size: 24", with: "input_size: 28"), to: p.spec)
        #expect(try monkpipe(["run", p.spec, "--quiet"], in: p.url).status == 0)
        let dry = try monkpipe(["gc", p.spec, "--dry-run"], in: p.url)
        #expect(dry.status == 0, "\(dry)")
        // 8 train (of which 2 validation) + 4 test images; the old load, train, test, compare.
        #expect(dry.stdout.contains("/.cache: would remove 12 pixel entries, 4 stage records, 1 load result; would free "), "\(dry)")
        let gc = try monkpipe(["gc", p.spec], in: p.url)
        #expect(gc.stdout.contains("/.cache: removed 12 pixel entries, 4 stage records, 1 load result; freed "), "\(gc)")
        let plan = try monkpipe(["plan", p.spec], in: p.url)
        #expect(plan.status == 0 && !plan.stdout.contains("runs because"), "\(plan)")
        #expect(try monkpipe(["gc", p.spec], in: p.url).stdout.contains("freed 0 bytes"))
    }

    /// A pixel cache entry with one flipped byte is found by its checksum when `--force all`
    /// reads it again, named with its path, and decoded anew: the run ends with the weights of
    /// the first (found by the hostile campaign: it was recomputed without a word).
    @Test func aDamagedPixelEntryIsNamedAndDecodedAgain() throws {
        let p = try TinyProject("pixel-flip", perClass: 4, testPerClass: 2, epochs: 1, experiments: "  sgd: {}\n")
        defer { p.cleanUp() }
        #expect(try monkpipe(["run", p.spec, "--quiet"], in: p.url).status == 0)
        let weights = p.dir.path("workspace/tiny/sgd/output/models/final.safetensors")
        let before = try Data(contentsOf: weights)
        let pixels = p.dir.path("workspace/.cache/pixels")
        let entry = try #require(FileManager.default.enumerator(at: pixels, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "px" }.sorted { $0.path < $1.path }.first)
        var bytes = try Data(contentsOf: entry)
        bytes[bytes.count / 2] ^= 0x10
        try bytes.write(to: entry)
        let again = try monkpipe(["run", p.spec, "--quiet", "--force", "all"], in: p.url)
        #expect(again.status == 0, "\(again)")
        #expect(again.stderr.contains("warning: pixel cache entry \(entry.path) is damaged ("), "\(again)")
        #expect(again.stderr.contains("decoding the image again"), "\(again)")
        #expect(try Data(contentsOf: weights) == before)
        #expect(try Data(contentsOf: entry) != bytes, "the damaged entry was rewritten")
    }

    @Test func validateWarnsAboutLeakageAndRefusesRepeatedSweepValues() throws {
        let dir = try TempDir("misleading")
        defer { dir.cleanUp() }
        try dir.write("project: p\ndata: {train: data/train, val: data/train}\n", to: "leak.yaml")
        let leak = try monkpipe(["validate", "leak.yaml"], in: dir.url)
        #expect(leak.status == 0, "\(leak)")
        #expect(leak.stderr.contains("warning: leak.yaml: data.val is the training folder ("), "\(leak)")
        try dir.write("project: p\ndata: {train: data/train}\nsweep: {optimizer.lr: [0.01, 1e-2]}\n", to: "sweep.yaml")
        let sweep = try monkpipe(["validate", "sweep.yaml"], in: dir.url)
        #expect(sweep.status == 2, "\(sweep)")
        #expect(sweep.stderr.contains("the sweep points 'lr0.01' and 'lr1e-2' are the same experiment"), "\(sweep)")
    }
}
