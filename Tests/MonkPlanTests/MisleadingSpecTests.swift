// Specs that validate but would fail or mislead later are caught when they are read (issue 13,
// item 12): repeated sweep values, a project named like the comparison folder, one folder
// used for two splits.
import Testing
@testable import MonkPlan

@Suite struct MisleadingSpecTests {
    /// `[0.01, 0.010, 1e-2]` planned three experiments that trained the same network.
    @Test func repeatedSweepValuesAreOneExperiment() throws {
        let errors = planErrors(minimal + "sweep:\n  optimizer.lr: [0.01, 0.010, 1e-2, 0.02]\n")
        #expect(errors.map(\.message) == [
            "the sweep points 'lr0.01' and 'lr0.010' are the same experiment (a value is repeated, e.g. 0.01 and 1e-2); remove one",
            "the sweep points 'lr0.01' and 'lr1e-2' are the same experiment (a value is repeated, e.g. 0.01 and 1e-2); remove one",
        ])
        #expect(errors.allSatisfy { $0.kind == .conflict && $0.keyPath == "sweep" })
        // A model's alias is the model: the same experiment under two names.
        #expect(planErrors(minimal + "sweep:\n  model: [resnet18, resnet18_v1]\n").count == 1)
        // Different values stay different experiments.
        #expect(try #require(plan(minimal + "sweep:\n  optimizer.lr: [0.01, 0.001]\n")).experiments.count == 2)
    }

    /// `pretrained: flase` read as a weights file named "flase" validated, and failed only at
    /// `plan` (found by the hostile campaign's random byte changes, `faTse`). A real file name
    /// (with an extension or a folder) is still a file.
    @Test func aMisspeltFlagIsNotAWeightsFile() throws {
        for (word, flag) in [("flase", "false"), ("faTse", "false"), ("ture", "true")] {
            let errors = planErrors(minimal + "defaults: {model: tiny_cnn, pretrained: \(word)}\n")
            #expect(errors.map(\.keyPath) == ["defaults.pretrained"], "\(word)")
            #expect(errors.first?.suggestion == flag, "\(word)")
            #expect(errors.first?.mark.line == 4, "\(word)")
        }
        for file in ["flase.pth", "weights/false", "model.safetensors"] {
            #expect(planErrors(minimal + "defaults: {model: tiny_cnn, pretrained: \(file)}\n").isEmpty, "\(file)")
        }
    }

    /// Experiments go to `workspace/<project>/`, comparisons to `workspace/comparison/`: a
    /// project named `comparison` wrote both into one folder.
    @Test func aProjectMayNotTakeTheComparisonFolder() throws {
        let errors = planErrors(minimal.replacingOccurrences(of: "project: p", with: "project: comparison"))
        #expect(errors.map(\.keyPath) == ["project"])
        #expect(errors.first?.message.hasPrefix("a project may not be named 'comparison': the workspace keeps every comparison in workspace/comparison/") == true)
    }

    @Test func oneFolderForTwoSplitsIsAWarning() throws {
        let same = try #require(plan(minimal + "  val: data/./train\n"))
        #expect(same.warnings == ["data.val is the training folder (/specs/data/train): the network is validated on images it trains on, so validation accuracy, early stopping, the best epoch and a threshold chosen on validation are all optimistic (leakage)"])
        let testIsTrain = try #require(plan(minimal + "  test: data/train/\n"))
        #expect(testIsTrain.warnings.count == 1)
        #expect(testIsTrain.warnings.first?.hasPrefix("data.test is the training folder (/specs/data/train)") == true)
        let testIsVal = try #require(plan(minimal + "  val: data/val\n  test: data/val\n"))
        #expect(testIsVal.warnings.first?.hasPrefix("data.test is the validation folder (/specs/data/val)") == true)
        #expect(try #require(plan(minimal + "  val: data/val\n  test: data/test\n")).warnings.isEmpty)
    }
}
