// `comparison.csv`: one row per experiment, every column named for exactly what it holds
// (Monk's file swapped "training time" with "max gpu usage"; these names cannot be misread).
import Foundation

public enum ComparisonCSV {
    /// Column names, in order. Rates are fractions in [0, 1] with 4 decimals; `_ci95_lower`/
    /// `_ci95_upper` bound the 95% interval (Wilson; percentile bootstrap for AUC); empty = undefined.
    public static let columns = [
        "project", "experiment", "model", "pretrained", "frozen_layers", "epochs", "optimizer",
        "learning_rate", "lr_schedule", "loss", "batch_size", "input_size_px",
        "kept_checkpoint_val_accuracy", "kept_checkpoint_epoch",
        "test_accuracy", "test_accuracy_ci95_lower", "test_accuracy_ci95_upper",
        "positive_class", "decision_threshold",
        "sensitivity", "sensitivity_ci95_lower", "sensitivity_ci95_upper",
        "specificity", "specificity_ci95_lower", "specificity_ci95_upper",
        "auc", "auc_ci95_lower", "auc_ci95_upper",
        "training_time_s", "peak_memory_mb", "train_images_per_s",
        "train_images", "val_images", "test_images", "test_checkpoint",
    ]

    /// The fixed columns, then one `setting:<key>` column per setting whose value differs
    /// between the experiments (a sweep's values, or what each experiment sets), as in the spec.
    public static func table(_ runs: [ExperimentRun]) -> CSVTable {
        let varying = ResultsTable.varying(runs.map(\.settings))
        return CSVTable(header: columns + varying.map { "setting:\($0)" }, rows: runs.map { run in
            row(run) + varying.map { key in run.settings.first { $0.key == key }?.value ?? "" }
        })
    }

    /// The projects whose experiments a comparison.csv compares, in row order without repeats;
    /// nil for text that is not such a table. A workspace's comparison folders are shared by its
    /// projects: this says whose report one holds.
    public static func projects(in text: String) -> [String]? {
        guard let table = CSVTable(parsing: text), let column = table.header.firstIndex(of: "project") else { return nil }
        var seen: [String] = []
        for row in table.rows where !seen.contains(row[column]) { seen.append(row[column]) }
        return seen
    }

    static func row(_ run: ExperimentRun) -> [String] {
        let c = run.configuration, f = run.facts
        let m = run.evaluation?.metrics
        let b = m?.binary
        func estimate(_ e: Estimate?) -> [String] {
            [NumberText.cell(e?.value, 4), NumberText.cell(e?.lower, 4), NumberText.cell(e?.upper, 4)]
        }
        let kept = run.kept
        var cells = [run.project, run.experiment, c.model, c.pretrained ? "true" : "false", c.frozen,
                     "\(c.epochs)", c.optimizer, NumberText.exact(c.learningRate), c.schedule, c.loss,
                     "\(c.batchSize)", "\(c.inputSize)",
                     NumberText.cell(kept?.valAccuracy, 4), kept.map { "\($0.epoch)" } ?? ""]
        cells += estimate(m?.accuracy)
        cells += [b?.positiveClass ?? "", NumberText.cell(b?.threshold.value, 4)]
        cells += estimate(b?.sensitivity) + estimate(b?.specificity) + estimate(b?.auc)
        cells += [NumberText.cell(f.trainingSeconds, 1), NumberText.cell(f.peakMemoryMB, 1),
                  NumberText.cell(f.trainImagesPerSecond, 2),
                  "\(f.trainImages)", "\(f.validationImages)", "\(f.testImages)", m?.checkpoint ?? ""]
        return cells
    }
}
