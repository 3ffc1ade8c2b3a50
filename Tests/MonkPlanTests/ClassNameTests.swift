// Class names in a spec checked against the training data's classes before anything runs
// (issue 11 item 5): a wrong positive_class is an error at its line, with the class it
// most likely meant, case included; a class_weights list must have one weight per class.
import Foundation
@testable import MonkPlan
import Testing

@Suite("class names in a spec against the data's classes")
struct ClassNameTests {
    static let classes = ["NORMAL", "PNEUMONIA"]

    /// The errors of planning `text` whose training folder holds `classes`.
    static func errors(_ text: String) -> [SpecError] {
        do {
            _ = try PlanLoader.plan(text: text, specDirectory: "/specs", file: "t.yaml") { _ in classes }
            return []
        } catch {
            return error.errors
        }
    }

    @Test func misspeltAndMiscasedPositiveClassesAreErrorsAtTheirLines() {
        let errors = Self.errors(minimal + """
            defaults:
              evaluation: {positive_class: PNEUMONIAA}
            experiments:
              a: {}
              b:
                evaluation:
                  positive_class: normal
            """)
        #expect(errors.count == 2, "\(errors)")
        // `minimal` is 3 lines: defaults is line 4, its positive_class line 5.
        #expect(errors.first?.mark.line == 5 && errors.first?.keyPath == "defaults.evaluation.positive_class", "\(errors)")
        #expect(errors.first?.suggestion == "PNEUMONIA", "\(errors)")
        #expect(errors.first?.message.contains("no class named 'PNEUMONIAA'") == true, "\(errors)")
        #expect(errors.last?.mark.line == 10 && errors.last?.suggestion == "NORMAL", "\(errors)")
    }

    @Test func rightNamesAndAutoPass() {
        #expect(Self.errors(minimal + "defaults:\n  evaluation: {positive_class: PNEUMONIA}\n").isEmpty)
        #expect(Self.errors(minimal + "defaults:\n  evaluation: {positive_class: auto}\n").isEmpty)
        // Without known classes (a CSV source, an unreadable folder) nothing is checked here.
        #expect(planErrors(minimal + "defaults:\n  evaluation: {positive_class: PNEUMONIAA}\n").isEmpty)
    }

    @Test func classWeightsNeedOneWeightPerClass() {
        let errors = Self.errors(minimal + "defaults:\n  loss: {type: cross_entropy, class_weights: [1.0, 2.0, 3.0]}\n")
        #expect(errors.count == 1 && errors.first?.keyPath == "defaults.loss.class_weights", "\(errors)")
        #expect(errors.first?.message.contains("3 weights for 2 classes") == true, "\(errors)")
        #expect(Self.errors(minimal + "defaults:\n  loss: {type: cross_entropy, class_weights: [1.0, 3.0]}\n").isEmpty)
    }

    /// Loading a file lists the training folder's class folders (no image is read).
    @Test func loadingAFileChecksAgainstTheClassFolders() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("classnames-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["NORMAL", "PNEUMONIA", ".hidden"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("data/train/\(name)"), withIntermediateDirectories: true)
        }
        let spec = dir.appendingPathComponent("s.yaml")
        try Data((minimal + "defaults:\n  evaluation: {positive_class: pneumonia}\n").utf8).write(to: spec)
        do {
            _ = try PlanLoader.load(path: spec.path)
            Issue.record("a wrong positive_class loaded")
        } catch {
            #expect(error.errors.map(\.suggestion) == ["PNEUMONIA"], "\(error)")
            #expect(error.render().contains("(classes: NORMAL, PNEUMONIA)"), "\(error.render())")
        }
    }
}

/// The best checkpoint's metric (issue 11 item 7): written, or early stopping's, or val_loss.
@Suite("best_metric defaults")
struct BestMetricTests {
    @Test func defaultsFollowEarlyStopping() throws {
        let none = try #require(plan(minimal + "experiments:\n  a: {}\n"))
        #expect(none.experiments[0].bestMetric == .val_loss)
        let stopping = try #require(plan(minimal + "defaults:\n  early_stopping: {metric: val_accuracy, patience: 2}\nexperiments:\n  a: {}\n"))
        #expect(stopping.experiments[0].bestMetric == .val_accuracy)
        let written = try #require(plan(minimal + "defaults:\n  best_metric: val_auc\n  early_stopping: {metric: val_loss, patience: 2}\nexperiments:\n  a: {}\n"))
        #expect(written.experiments[0].bestMetric == .val_auc)
        let wrong = planErrors(minimal + "defaults:\n  best_metric: val_accuray\n")
        #expect(wrong.first?.suggestion == "val_accuracy", "\(wrong)")
    }
}
