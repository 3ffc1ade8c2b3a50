// Options with a fixed set of values, through the binary: a misspelt value exits 64 before
// anything runs, and names the valid ones (the nearest one for --force).
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
    }
}
