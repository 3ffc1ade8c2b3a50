// A tiny project in a temporary directory: a few images copied from examples/chest_xray_small
// and a spec using them, small enough for a debug build to train in seconds.
import Foundation

struct TinyProject {
    let dir: TempDir
    let spec = "tiny.yaml"

    /// `perClass` train and `testPerClass` test images of each class (the first ones by name),
    /// and a spec with `experiments` (YAML lines under `experiments:`); `testSet: false` leaves
    /// out the test images and `data.test`, so the plan has no test stages.
    init(_ label: String, perClass: Int = 12, testPerClass: Int = 4, testSet: Bool = true, epochs: Int = 2, size: Int = 24,
         experiments: String = "  sgd: {}\n  adam:\n    optimizer: {type: adam, lr: 0.003}\n",
         trainTransforms: String = "[resize, horizontal_flip, normalize]", evalTransforms: String = "[resize, normalize]") throws {
        dir = try TempDir(label)
        let source = TestEnvironment.repoRoot.appendingPathComponent("examples/chest_xray_small")
        let fm = FileManager.default
        for (split, n) in [("train", perClass)] + (testSet ? [("test", testPerClass)] : []) {
            for cls in ["NORMAL", "PNEUMONIA"] {
                let from = source.appendingPathComponent("\(split)/\(cls)")
                let to = dir.path("data/\(split)/\(cls)")
                try fm.createDirectory(at: to, withIntermediateDirectories: true)
                for name in try fm.contentsOfDirectory(atPath: from.path).sorted().prefix(n) {
                    try fm.copyItem(at: from.appendingPathComponent(name), to: to.appendingPathComponent(name))
                }
            }
        }
        let text = """
            # Written by monkpipeTests: two tiny experiments and a comparison.
            project: tiny
            seed: 3
            threads: 1
            data:
              train: data/train
              test: data/test
              val: {fraction: 0.25, stratified: true}
              input_size: \(size)
              batch_size: 4
              workers: 1
              train_transforms: \(trainTransforms)
              eval_transforms: \(evalTransforms)
            defaults:
              model: tiny_cnn
              pretrained: false
              epochs: \(epochs)
              optimizer: {type: sgd, lr: 0.05, momentum: 0.9}
              lr_schedule: fixed
              evaluation:
                bootstrap: {samples: 50, seed: 1}
            experiments:
            \(experiments)
            comparison:
              name: cmp
            """
        try dir.write(testSet ? text : text.replacingOccurrences(of: "  test: data/test\n", with: ""), to: spec)
    }

    var url: URL { dir.url }
    func experiment(_ name: String) -> URL { dir.path("workspace/tiny/\(name)") }
    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: dir.path(relative).path) }
    func cleanUp() { dir.cleanUp() }
}
