// McNemar's test for every pair of experiments that were tested on the same images, matched
// image by image, so "A beats B" in the report comes with a p-value.
import Foundation

/// The paired test of two experiments, or the reason there is none.
public struct PairedComparison: Sendable, Equatable {
    public var first: String
    public var second: String
    /// `nil` when the two were not tested on the same images (see `reason`).
    public var test: McNemarTest?
    public var reason: String?

    /// One entry per pair (i < j) in the given order.
    public static func all(_ runs: [ExperimentRun]) -> [PairedComparison] {
        var out: [PairedComparison] = []
        for i in runs.indices {
            for j in runs.indices where j > i {
                out.append(PairedComparison(runs[i], runs[j]))
            }
        }
        return out
    }

    init(_ a: ExperimentRun, _ b: ExperimentRun) {
        first = a.label
        second = b.label
        guard let ea = a.evaluation, let eb = b.evaluation else {
            reason = "not tested"
            return
        }
        guard let (ca, cb) = Self.matched(ea, eb) else {
            reason = "not tested on the same images"
            return
        }
        test = McNemarTest(firstCorrect: ca, secondCorrect: cb)
    }

    /// Per-image correctness of both, in one image order: the same order if the file lists are
    /// equal, else matched by file name when both lists are the same set of unique names.
    static func matched(_ a: Evaluation, _ b: Evaluation) -> ([Bool], [Bool])? {
        let fa = a.predictions.samples.map(\.file), fb = b.predictions.samples.map(\.file)
        if fa == fb { return (a.correct, b.correct) }
        let ia = Dictionary(zip(fa, a.correct), uniquingKeysWith: { x, _ in x })
        let ib = Dictionary(zip(fb, b.correct), uniquingKeysWith: { x, _ in x })
        guard ia.count == fa.count, ib.count == fb.count, Set(ia.keys) == Set(ib.keys) else { return nil }
        return (fa.map { ia[$0]! }, fa.map { ib[$0]! })
    }

    /// One sentence a reader can act on, at the 5% level.
    public var verdict: String {
        guard let t = test else { return reason ?? "" }
        let p = Self.pText(t.pValue)
        let shown = p.hasPrefix("<") ? "p \(p)" : "p = \(p)"
        if t.pValue >= 0.05 { return "no significant difference (\(shown))" }
        let better = t.onlyFirstCorrect > t.onlySecondCorrect ? first : second
        return "\(better) is more accurate (\(shown))"
    }

    /// Four decimals; smaller p-values are written "< 0.0001" (more digits would claim a precision
    /// the χ² approximation does not have; the exact value is in `test.pValue`).
    static func pText(_ p: Double) -> String {
        p < 0.0001 ? "< 0.0001" : NumberText.fixed(p, 4)
    }
}
