// Options with a fixed set of values, through the binary: a misspelt value exits 64 before
// anything runs, and names the valid ones (the nearest one for --force and --stage).
import Foundation
import Testing

@Suite("monkpipe binary: typed option values")
struct TypedOptionsTests {
    @Test func misspeltValuesExit64() throws {
        let p = try TinyProject("typed", epochs: 1)
        defer { p.cleanUp() }
        for command in ["run", "plan"] {
            let kind = try monkpipe([command, p.spec, "--force", "trian"], in: p.url)
            #expect(kind.status == 64, "\(kind)")
            #expect(kind.stderr.contains("no stage kind named 'trian'; did you mean 'train'?"), "\(kind)")
            let stage = try monkpipe([command, p.spec, "--force", "train/sgdd"], in: p.url)
            #expect(stage.status == 64, "\(stage)")
            #expect(stage.stderr.contains("no stage named 'train/sgdd'; did you mean 'train/sgd'?"), "\(stage)")
            // --stage names the nearest kind too (ArgumentParser's check only listed them).
            let only = try monkpipe([command, p.spec, "--stage", "comapre"], in: p.url)
            #expect(only.status == 64, "\(only)")
            #expect(only.stderr.contains("no stage kind named 'comapre'; did you mean 'compare'? (valid: load, train, test, compare)"), "\(only)")
        }
        #expect(!p.exists("workspace/.cache/stages"), "nothing may run")

        let experiment = p.experiment("sgd").path
        let checkpoint = try monkpipe(["infer", "--experiment", experiment, "--checkpoint", "bset", "x.jpeg"], in: p.url)
        #expect(checkpoint.status == 64, "\(checkpoint)")
        #expect(checkpoint.stderr.contains("'best' and 'final'"), "\(checkpoint)")
        let evaluate = try monkpipe(["evaluate", "--experiment", experiment, "--data", "data/test", "--checkpoint", "last"], in: p.url)
        #expect(evaluate.status == 64, "\(evaluate)")
        let mode = try monkpipe(["bench", "--mode", "training"], in: p.url)
        #expect(mode.status == 64, "\(mode)")
        #expect(mode.stderr.contains("'train', 'infer' or 'both'"), "\(mode)")
        let conv = try monkpipe(["bench", "--conv", "fft"], in: p.url)
        #expect(conv.status == 64, "\(conv)")
        for command in [["bench"], ["classify", "--weights", "w.pth", "a.jpeg"]] {
            let model = try monkpipe(command + ["--model", "resnet18v1"], in: p.url)
            #expect(model.status == 64, "\(model)")
            #expect(model.stderr.contains("resnet18_v1") && model.stderr.contains("efficientnet_lite0"), "the choices are listed: \(model)")
        }
    }

    /// The vocabulary's aliases are accepted on the command line too: torchvision's
    /// `resnet18` is resnet18_v1 (one tiny inference step, to see which network ran).
    @Test func modelAliasesAreAccepted() throws {
        let dir = try TempDir("alias")
        defer { dir.cleanUp() }
        let r = try monkpipe(["bench", "--model", "resnet18", "--mode", "infer", "--size", "16", "--batch", "1",
                              "--warmup", "0", "--iterations", "1", "--threads", "1", "--json"], in: dir.url)
        #expect(r.status == 0, "\(r)")
        let line = try #require(try parseJSON(r.stdout) as? [String: Any], "\(r)")
        #expect(line["model"] as? String == "resnet18_v1", "\(line)")
        #expect(line["mode"] as? String == "infer", "\(line)")
    }
}
