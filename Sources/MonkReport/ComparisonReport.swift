// The compare stage's output directory: comparison.csv, one SVG per plot, and index.html
// linking them. Building the documents is pure; `write(to:)` is the only I/O.
import Foundation

/// All comparison artifacts of a set of experiments, as file name → contents.
public struct ComparisonReport: Sendable {
    /// The table and the page among the files (what a caller checks for or links to).
    public static let csvFileName = "comparison.csv"
    public static let indexFileName = "index.html"

    public let name: String
    public let runs: [ExperimentRun]
    /// Relative file name → text, in writing order (index.html last).
    public let files: [(name: String, contents: String)]

    public init(name: String, runs: [ExperimentRun]) {
        self.name = name
        self.runs = runs
        var files: [(String, String)] = [(Self.csvFileName, ComparisonCSV.table(runs).render())]
        var trainingPlots: [(file: String, caption: String)] = []
        var testPlots: [(file: String, caption: String)] = []
        func add(_ file: String, _ caption: String, _ svg: String, test: Bool = false) {
            files.append((file, svg))
            if test { testPlots.append((file, caption)) } else { trainingPlots.append((file, caption)) }
        }
        let color = runs.indices.map(Palette.color)
        add("accuracy.svg", "Train (solid) and validation (dashed) accuracy per epoch",
            Self.curves(runs, color, title: "Accuracy", yTitle: "Accuracy (%)", percent: true,
                        train: \.trainAccuracy, validation: \.valAccuracy))
        add("loss.svg", "Train (solid) and validation (dashed) loss per epoch",
            Self.curves(runs, color, title: "Loss", yTitle: "Loss (mean per image)", percent: false,
                        train: \.trainLoss, validation: \.valLoss))
        let rocSeries = runs.indices.compactMap { i -> ROCSeries? in
            guard let b = runs[i].evaluation?.metrics.binary, let curve = b.rocCurve else { return nil }
            let point = b.specificity.value.flatMap { s in b.sensitivity.value.map { LineSeries.Point(1 - s, $0) } }
            return ROCSeries(name: runs[i].label, color: color[i], curve: curve, operatingPoint: point)
        }
        if !rocSeries.isEmpty {
            add("roc.svg", "ROC curves on the test set; dots mark each model's decision threshold",
                ROCPlot(title: "ROC (test)", series: rocSeries).svg(), test: true)
        }
        func bars(_ value: (ExperimentRun) -> Double?) -> [Bar] {
            runs.indices.map { Bar(label: runs[$0].experiment, value: value(runs[$0]), color: color[$0]) }
        }
        add("test_accuracy.svg", "Test accuracy", BarChart(title: "Test accuracy", yTitle: "Accuracy (%)",
            bars: bars { $0.evaluation?.metrics.accuracy.value }, percent: true).svg(), test: true)
        add("best_val_accuracy.svg", "Validation accuracy of each kept checkpoint (the weights test, infer and export use)",
            BarChart(title: "Validation accuracy (kept checkpoint)",
            yTitle: "Accuracy (%)", bars: bars { $0.kept?.valAccuracy }, percent: true).svg())
        add("training_time.svg", "Training wall time", BarChart(title: "Training time", yTitle: "Wall time (s)",
            bars: bars { $0.facts.trainingSeconds }).svg())
        add("peak_memory.svg", "Peak resident memory while training", BarChart(title: "Peak memory",
            yTitle: "Peak resident memory (MB)", bars: bars { $0.facts.peakMemoryMB }, valueDecimals: 0).svg())
        for (i, run) in runs.enumerated() {
            guard let m = run.evaluation?.metrics else { continue }
            let file = "confusion_\(i + 1)_\(Self.slug(run.experiment)).svg"
            let title = "\(run.label): confusion matrix (\(m.images) test images)"
            add(file, title, ConfusionHeatMap(title: title, matrix: m.confusionMatrix, color: color[i]).svg(), test: true)
        }
        let html = HTMLReport(name: name, runs: runs, pairs: PairedComparison.all(runs),
                              trainingPlots: trainingPlots, testPlots: testPlots)
        files.append((Self.indexFileName, html.render()))
        self.files = files
    }

    /// Writes every file into `directory` (created if needed), each atomically.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            try Data(file.contents.utf8).write(to: directory.appendingPathComponent(file.name), options: .atomic)
        }
    }

    static func curves(_ runs: [ExperimentRun], _ color: [String], title: String, yTitle: String, percent: Bool,
                       train: KeyPath<EpochRecord, Double>, validation: KeyPath<EpochRecord, Double>) -> String {
        var series: [LineSeries] = []
        for (i, run) in runs.enumerated() {
            for (path, kind, dashed) in [(train, "train", false), (validation, "val", true)] {
                let points = run.history.map { r in LineSeries.Point(Double(r.epoch), r[keyPath: path]) }
                series.append(LineSeries(name: "\(run.experiment) \(kind)", color: color[i], dashed: dashed, points: points))
            }
        }
        return LineChart(title: title, xTitle: "Epoch", yTitle: yTitle, series: series, yPercent: percent).svg()
    }

    /// A file-name-safe form of an experiment name: letters, digits, '-' and '_' only.
    static func slug(_ s: String) -> String {
        let kept = s.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_" ? Character($0) : "_" }
        let text = String(kept.prefix(40))
        return text.isEmpty ? "experiment" : text
    }
}
