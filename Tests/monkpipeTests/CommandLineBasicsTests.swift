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
        let r = try monkpipe(["models"], in: dir.url, environment: ["TORCH_HOME": dir.url.path, "HOME": dir.url.path])
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
        #expect(r.stdout.contains("not found (resnet18-f37072fd.pth)"), "\(r.stdout)")
    }
}
