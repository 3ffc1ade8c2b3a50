// The test stage's output directory (`output/test/`): metrics.json, summary.txt,
// predictions.csv, the confusion matrix and, for two classes, the ROC curve.
import Foundation

extension Evaluation {
    /// The name of the metrics file among the artifacts (what a caller checks for).
    public static let metricsFileName = "metrics.json"
    /// One row per test image (`predictionsCSV`).
    public static let predictionsFileName = "predictions.csv"

    /// Relative file name → contents of the test-stage artifacts. `images` names the images
    /// in the plots' titles and `heading` heads summary.txt: the test set's by default, and
    /// another folder's when `evaluate --output` ran on one (a validation folder's report
    /// titled "test" would be mistaken for the test set's).
    public func reportFiles(experiment: String, images: String = "test",
                            heading: String? = nil) throws -> [(name: String, contents: Data)] {
        var files: [(String, Data)] = [
            (Self.metricsFileName, try metrics.jsonData()),
            ("summary.txt", Data(metrics.textSummary(heading: heading).utf8)),
            (Self.predictionsFileName, Data(predictionsCSV().render().utf8)),
            ("confusion_matrix.svg", Data(ConfusionHeatMap(
                title: "\(experiment): confusion matrix (\(metrics.images) \(images) images)",
                matrix: metrics.confusionMatrix).svg().utf8)),
        ]
        if let b = metrics.binary, let curve = b.rocCurve {
            let point = b.specificity.value.flatMap { s in b.sensitivity.value.map { LineSeries.Point(1 - s, $0) } }
            let plot = ROCPlot(title: "\(experiment): ROC (\(images))",
                               series: [ROCSeries(name: experiment, color: Palette.color(0), curve: curve, operatingPoint: point)])
            files.append(("roc.svg", Data(plot.svg().utf8)))
        }
        return files
    }

    /// Writes the artifacts into `directory` (created if needed), each atomically.
    public func writeReport(to directory: URL, experiment: String, images: String = "test",
                            heading: String? = nil) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in try reportFiles(experiment: experiment, images: images, heading: heading) {
            try file.contents.write(to: directory.appendingPathComponent(file.name), options: .atomic)
        }
    }
}
