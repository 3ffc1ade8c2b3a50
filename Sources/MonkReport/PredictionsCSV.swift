// `predictions.csv`: one row per test image with its true and predicted class and the
// model's probability for every class, so any metric can be recomputed outside monkpipe.
import Foundation

extension Evaluation {
    /// Columns: file, true_class, predicted_class, correct, then `probability_<class>` per
    /// class in label order (probabilities with 6 decimals).
    public func predictionsCSV() -> CSVTable {
        let names = predictions.classNames
        var table = CSVTable(header: ["file", "true_class", "predicted_class", "correct"]
                                + names.map { "probability_\($0)" })
        for (sample, predicted) in zip(predictions.samples, predictedLabels) {
            table.rows.append([sample.file, names[sample.trueLabel], names[predicted],
                               sample.trueLabel == predicted ? "true" : "false"]
                              + sample.probabilities.map { NumberText.fixed($0, 6) })
        }
        return table
    }
}
