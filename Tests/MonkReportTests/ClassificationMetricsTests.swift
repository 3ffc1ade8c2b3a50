// Accuracy, confusion matrix and per-class metrics against hand-computed values, including
// a class with no images (undefined recall → null in JSON) and a probability tie.
import Foundation
import Testing
@testable import MonkReport

@Suite struct ClassificationMetricsTests {
    @Test func binaryAtDefaultThreshold() throws {
        let e = try Evaluation(test: Fixtures.tied, options: EvaluationOptions(checkpoint: "best"))
        let m = e.metrics
        // Positive = PNEUMONIA (the class not named normal). Called positive when p ≥ 0.5:
        // pneumonia 0.9 0.8 0.6 → TP = 3, 0.4 → FN = 1; normal 0.7 0.6 → FP = 2, 0.3 0.2 0.1 → TN = 3.
        #expect(m.confusionMatrix.counts == [[3, 2], [1, 3]])
        #expect(close(m.accuracy.value, 6.0 / 9.0))
        let b = try #require(m.binary)
        #expect(b.positiveClass == "PNEUMONIA" && b.negativeClass == "NORMAL")
        #expect(b.threshold == DecisionThreshold(value: 0.5, method: .fixed))
        #expect(close(b.sensitivity.value, 3.0 / 4.0))
        #expect(close(b.specificity.value, 3.0 / 5.0))
        // PNEUMONIA: precision 3/(3+2), recall 3/4, F1 = 2·3/(2·3+2+1) = 6/9.
        let pneumonia = m.perClass[1]
        #expect(close(pneumonia.precision.value, 0.6) && close(pneumonia.recall.value, 0.75))
        #expect(close(pneumonia.f1, 6.0 / 9.0) && pneumonia.support == 4 && pneumonia.predicted == 5)
        // NORMAL: precision 3/(3+1), recall 3/5, F1 = 6/(6+1+2); per-class accuracy = recall.
        let normal = m.perClass[0]
        #expect(close(normal.precision.value, 0.75) && close(normal.recall.value, 0.6))
        #expect(close(normal.f1, 6.0 / 9.0) && normal.accuracy == normal.recall)
        #expect(e.correct == [true, true, true, false, false, false, true, true, true])
    }

    @Test func probabilityEqualToThresholdIsPositive() throws {
        // p = 0.5 exactly: "positive when p ≥ threshold" calls it PNEUMONIA.
        let set = Fixtures.binary(positives: [0.5], negatives: [0.5])
        let e = try Evaluation(test: set, options: EvaluationOptions(checkpoint: "final"))
        #expect(e.predictedLabels == [1, 1])
    }

    @Test func threeClassesWithAnEmptyClass() throws {
        // Class C has no images but is predicted once; the last sample ties A and B (→ A).
        let samples = [
            PredictedSample(file: "1", trueLabel: 0, probabilities: [0.7, 0.2, 0.1]),  // → A ✓
            PredictedSample(file: "2", trueLabel: 0, probabilities: [0.3, 0.5, 0.2]),  // → B ✗
            PredictedSample(file: "3", trueLabel: 1, probabilities: [0.1, 0.8, 0.1]),  // → B ✓
            PredictedSample(file: "4", trueLabel: 1, probabilities: [0.2, 0.3, 0.5]),  // → C ✗
            PredictedSample(file: "5", trueLabel: 0, probabilities: [0.4, 0.4, 0.2]),  // → A ✓
        ]
        let set = try PredictionSet(classNames: ["A", "B", "C"], samples: samples)
        let m = try Evaluation(test: set, options: EvaluationOptions(checkpoint: "best")).metrics
        #expect(m.confusionMatrix.counts == [[2, 1, 0], [0, 1, 1], [0, 0, 0]])
        #expect(close(m.accuracy.value, 3.0 / 5.0) && m.binary == nil)
        // A: TP 2, support 3, predicted 2 → precision 1, recall 2/3, F1 = 4/(4+0+1).
        #expect(close(m.perClass[0].precision.value, 1) && close(m.perClass[0].recall.value, 2.0 / 3.0))
        #expect(close(m.perClass[0].f1, 0.8))
        // B: TP 1, support 2, predicted 2 → 1/2, 1/2, F1 = 2/(2+1+1).
        #expect(close(m.perClass[1].f1, 0.5))
        // C: TP 0, support 0, predicted 1 → precision 0/1, recall undefined, F1 = 0/(0+1+0) = 0.
        let c = m.perClass[2]
        #expect(close(c.precision.value, 0) && c.recall.value == nil && c.recall.lower == nil)
        #expect(c.accuracy.value == nil && close(c.f1, 0))
    }

    @Test func undefinedValuesAreNullInJSON() throws {
        // A test set of normal images only: sensitivity, AUC, ROC and AP are all undefined.
        let set = Fixtures.binary(positives: [], negatives: [0.2, 0.7])
        let m = try Evaluation(test: set, options: EvaluationOptions(checkpoint: "best")).metrics
        let b = try #require(m.binary)
        #expect(b.sensitivity.value == nil && b.auc.value == nil && b.rocCurve == nil && b.averagePrecision == nil)
        #expect(close(b.specificity.value, 0.5))
        let json = try #require(String(data: try m.jsonData(), encoding: .utf8))
        // Undefined numbers are explicit nulls (JSON has no NaN), not missing keys.
        #expect(json.contains("\"roc_curve\" : null"))
        #expect(json.contains("\"average_precision\" : null"))
        #expect(json.contains("\"sensitivity\" : {\n      \"lower\" : null,\n      \"upper\" : null,\n      \"value\" : null"))
        #expect(!json.lowercased().contains("nan"))
        #expect(try TestMetrics.decode(try m.jsonData()) == m)
    }

    @Test func metricsJSONHasStableTopLevelKeys() throws {
        let m = try Evaluation(test: Fixtures.tied, options: EvaluationOptions(checkpoint: "best, epoch 3")).metrics
        let object = try #require(try JSONSerialization.jsonObject(with: m.jsonData()) as? [String: Any])
        #expect(Set(object.keys) == ["format", "checkpoint", "classes", "images", "accuracy", "per_class",
                                      "confusion_matrix", "binary"])
        let binary = try #require(object["binary"] as? [String: Any])
        #expect(Set(binary.keys) == ["positive_class", "negative_class", "threshold", "sensitivity", "specificity",
                                      "auc", "auc_bootstrap", "roc_curve", "average_precision",
                                      "precision_recall_curve"])
        #expect(object["checkpoint"] as? String == "best, epoch 3")
        #expect(try TestMetrics.decode(try m.jsonData()) == m)
    }

    @Test func positiveClassDefaultsToTheNonNormalOne() throws {
        #expect(try Evaluation.positiveClassIndex(["NORMAL", "PNEUMONIA"], requested: nil) == 1)
        #expect(try Evaluation.positiveClassIndex(["pneumonia", "Normal"], requested: nil) == 0)
        #expect(try Evaluation.positiveClassIndex(["cat", "dog"], requested: nil) == 1)
        #expect(try Evaluation.positiveClassIndex(["cat", "dog"], requested: "cat") == 0)
        #expect(throws: ReportError.unknownClass("bird", known: ["cat", "dog"])) {
            try Evaluation.positiveClassIndex(["cat", "dog"], requested: "bird")
        }
    }

    @Test func invalidInputsAreRejected() {
        #expect(throws: ReportError.labelOutOfRange(sample: 0, label: 2, classes: 2)) {
            try PredictionSet(classNames: ["a", "b"], samples: [PredictedSample(file: "x", trueLabel: 2, probabilities: [0.5, 0.5])])
        }
        #expect(throws: ReportError.probabilityCount(sample: 0, got: 1, expected: 2)) {
            try PredictionSet(classNames: ["a", "b"], samples: [PredictedSample(file: "x", trueLabel: 0, probabilities: [1])])
        }
    }
}
