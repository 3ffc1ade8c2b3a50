// ROC/AUC and PR/average precision against hand arithmetic and an independent Mann–Whitney
// count; Youden's J threshold chosen on validation and applied unchanged to test.
import Testing
@testable import MonkReport

@Suite struct CurveTests {
    /// P(score₊ > score₋) + ½·P(score₊ = score₋), by counting every pair: the Mann–Whitney
    /// U statistic over P·N, computed without sorting, independently of ROCCurve.
    func mannWhitney(_ set: PredictionSet) -> Double {
        let s = set.scores(of: 1)
        let pos = s.indices.filter { set.samples[$0].trueLabel == 1 }.map { s[$0] }
        let neg = s.indices.filter { set.samples[$0].trueLabel == 0 }.map { s[$0] }
        var u = 0.0
        for p in pos { for n in neg { u += p > n ? 1 : p == n ? 0.5 : 0 } }
        return u / Double(pos.count * neg.count)
    }

    @Test func rocWithTiesMatchesHandComputation() throws {
        let set = Fixtures.tied
        let roc = try #require(ROCCurve(scores: set.scores(of: 1), isPositive: set.trueLabels.map { $0 == 1 }))
        // Pairs won of 4·5 = 20: 0.9 → 5, 0.8 → 5, 0.6 → 3 + ½ (tie with 0.6), 0.4 → 3; 16.5/20.
        #expect(close(roc.auc, 0.825))
        #expect(close(roc.auc, mannWhitney(set)))
        // Walk (FP, TP) by distinct score: (0,0) 0.9:(0,1) 0.8:(0,2) 0.7:(1,2) 0.6:(2,3) 0.4:(2,4)
        // 0.3:(3,4) 0.2:(4,4) 0.1:(5,4); (0,1), (3,4), (4,4) lie inside straight runs and are dropped.
        #expect(roc.falsePositiveRate == [0, 0, 0.2, 0.4, 0.4, 1])
        #expect(roc.truePositiveRate == [0, 0.5, 0.5, 0.75, 1, 1])
        #expect(roc.thresholds == [nil, 0.8, 0.7, 0.6, 0.4, 0.1])
    }

    @Test func aucEqualsMannWhitneyOnManyTies() throws {
        let set = Fixtures.forty
        let isPositive = set.trueLabels.map { $0 == 1 }
        let roc = try #require(ROCCurve(scores: set.scores(of: 1), isPositive: isPositive))
        // 0.76375 also printed by bootstrap_reference.py ("auc" line).
        #expect(close(roc.auc, mannWhitney(set)) && close(roc.auc, 0.76375))
        #expect(close(areaUnderROC(scores: set.scores(of: 1), isPositive: isPositive), roc.auc))
    }

    @Test func allTiedScoresGiveOneHalf() throws {
        let roc = try #require(ROCCurve(scores: [0.3, 0.3, 0.3], isPositive: [true, false, true]))
        #expect(roc.auc == 0.5 && roc.falsePositiveRate == [0, 1] && roc.truePositiveRate == [0, 1])
    }

    @Test func averagePrecisionIsSklearnStepSum() throws {
        let set = Fixtures.tied
        let pr = try #require(PrecisionRecallCurve(scores: set.scores(of: 1), isPositive: set.trueLabels.map { $0 == 1 }))
        // (threshold: TP, FP → precision, recall) 0.9: 1,0 → 1, .25; 0.8: 2,0 → 1, .5; 0.7: 2,1 → 2/3, .5;
        // 0.6: 3,2 → 3/5, .75; 0.4: 4,2 → 4/6, 1; then recall stays 1.
        // AP = .25·1 + .25·1 + 0·(2/3) + .25·(3/5) + .25·(4/6) = 0.8166…
        #expect(close(pr.averagePrecision, 0.25 + 0.25 + 0.25 * 0.6 + 0.25 * 4.0 / 6.0))
        #expect(close(pr.precision[2], 2.0 / 3.0) && pr.recall[3] == 0.75 && pr.thresholds.first == 0.9)
        #expect(PrecisionRecallCurve(scores: [0.1], isPositive: [false]) == nil)
    }

    @Test func youdenThresholdChosenOnValidationAppliedToTest() throws {
        // Validation = the tied set. J = TPR − FPR per threshold: 0.9 .25, 0.8 .5, 0.7 .3, 0.6 .35,
        // 0.4 1 − .4 = .6, 0.3 .4, 0.2 .2, 0.1 0 → threshold 0.4, J 0.6.
        let test = Fixtures.binary(positives: [0.45, 0.35], negatives: [0.41, 0.39, 0.05])
        let options = EvaluationOptions(threshold: .youdenJ(validation: Fixtures.tied), checkpoint: "best")
        let m = try Evaluation(test: test, options: options).metrics
        let b = try #require(m.binary)
        #expect(b.threshold.method == .youdenJOnValidation && b.threshold.value == 0.4)
        #expect(close(b.threshold.validationJ, 0.6) && b.threshold.validationImages == 9)
        // On test with p ≥ 0.4: pneumonia 0.45 ✓ 0.35 ✗; normal 0.41 ✗ 0.39 ✓ 0.05 ✓.
        #expect(close(b.sensitivity.value, 0.5) && close(b.specificity.value, 2.0 / 3.0))
        // Re-evaluating later with the stored threshold reproduces the same metrics and provenance.
        let again = try Evaluation(test: test, options: EvaluationOptions(threshold: .resolved(b.threshold), checkpoint: "best"))
        #expect(again.metrics == m)
    }

    @Test func youdenTiesPickTheHigherThreshold() throws {
        // pos 0.9 0.5, neg 0.7 0.1: J(0.9) = .5 − 0 and J(0.5) = 1 − .5 tie; 0.9 calls fewer positive.
        let set = Fixtures.binary(positives: [0.9, 0.5], negatives: [0.7, 0.1])
        #expect(try DecisionThreshold.youden(set, positive: 1).threshold == 0.9)
        #expect(throws: ReportError.needsBothClasses(set: "validation")) {
            try DecisionThreshold.youden(Fixtures.binary(positives: [0.9], negatives: []), positive: 1)
        }
    }
}
