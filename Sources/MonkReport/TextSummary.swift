// The readable summary of a test evaluation (`output/test/summary.txt`): the headline numbers
// with their intervals, per-class metrics and the confusion matrix, in plain aligned text.
import Foundation

extension TestMetrics {
    /// A plain-text report for people; every number in it is also in metrics.json. `heading`
    /// replaces the first line (e.g. to say that the images are not the test set).
    public func textSummary(heading: String? = nil) -> String {
        var lines = [heading ?? "Test metrics for checkpoint: \(checkpoint)",
                     "\(images) images; classes: \(classes.joined(separator: ", "))",
                     ""]
        func row(_ name: String, _ e: Estimate, _ how: String) -> String {
            guard let v = e.value else { return pad(name, 22) + "undefined (no images to count)" }
            let ci = e.lower.flatMap { l in e.upper.map { u in
                "  (95% CI \(NumberText.percent(l))–\(NumberText.percent(u)), \(how))" } } ?? ""
            return pad(name, 22) + NumberText.percent(v) + ci
        }
        lines.append(row("Accuracy", accuracy, "Wilson"))
        if let b = binary {
            let t = b.threshold
            let source = t.method == .fixed ? "fixed" :
                "Youden's J on \(t.validationImages ?? 0) validation images, J = \(NumberText.cell(t.validationJ, 3))"
            lines.append(pad("Positive class", 22) + b.positiveClass)
            lines.append(pad("Decision threshold", 22) + "P(\(b.positiveClass)) ≥ \(NumberText.fixed(t.value, 4)) (\(source))")
            lines.append(row("Sensitivity", b.sensitivity, "Wilson"))
            lines.append(row("Specificity", b.specificity, "Wilson"))
            if let auc = b.auc.value {
                var text = pad("ROC AUC", 22) + NumberText.fixed(auc, 4)
                if let boot = b.aucBootstrap {
                    text += "  (95% CI \(NumberText.fixed(boot.lower, 4))–\(NumberText.fixed(boot.upper, 4)), "
                        + "percentile bootstrap, \(boot.usedSamples) of \(boot.settings.samples) resamples, seed \(boot.settings.seed))"
                }
                lines.append(text)
            } else {
                lines.append(pad("ROC AUC", 22) + "undefined (the test set lacks a class)")
            }
            lines.append(pad("Average precision", 22)
                         + (b.averagePrecision.map { NumberText.fixed($0, 4) + " (scikit-learn's definition)" } ?? "undefined"))
        }
        lines.append("")
        let width = max(12, classes.map(\.count).max() ?? 0) + 2
        lines.append(pad("Class", width) + pad("images", 8) + pad("precision", 11) + pad("recall", 9) + "F1")
        for c in perClass {
            lines.append(pad(c.className, width) + pad("\(c.support)", 8) + pad(NumberText.percent(c.precision.value), 11)
                         + pad(NumberText.percent(c.recall.value), 9) + (c.f1.map { NumberText.fixed($0, 3) } ?? "n/a"))
        }
        lines.append("(recall is also Monk's \"per-class accuracy\": the share of the class's images classified correctly)")
        lines.append("")
        lines.append("Confusion matrix (rows: true class, columns: predicted class)")
        let cell = max(8, classes.map(\.count).max() ?? 0) + 2
        lines.append(pad("", width) + classes.map { pad($0, cell) }.joined())
        for (name, counts) in zip(classes, confusionMatrix.counts) {
            lines.append(pad(name, width) + counts.map { pad("\($0)", cell) }.joined())
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
            .joined(separator: "\n") + "\n"
    }
}

/// Left-aligns `s` in a column of `width` characters (at least one space after it).
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
}
