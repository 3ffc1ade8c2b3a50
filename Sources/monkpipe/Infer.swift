// `monkpipe infer`: a trained model's predictions for images or folders.
import ArgumentParser
import Foundation
import MonkPipeline

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict the class of images (files or folders) with a trained model.",
        discussion: """
        The model is an experiment's checkpoint (--experiment DIR) or a checkpoint file alone \
        (--checkpoint FILE.safetensors). Two classes are decided as the experiment's test stage \
        decided (its threshold on P(positive class), e.g. chosen by Youden's J on validation), \
        printed before the predictions; --threshold overrides it.
        """)

    @OptionGroup var model: ModelOptions
    @Option(name: .long, help: "Write a CSV of the predictions here.")
    var output: String?
    @OptionGroup var out: OutputOptions
    @Argument(help: "Image files or folders.")
    var inputs: [String]

    func run() throws {
        let console = out.console
        let (rows, classes) = try reportingErrors { () throws -> ([InferenceRow], [String]) in
            let trained = try model.load(console: console)
            // Before the predictions, so a reader knows how each was decided (JSON rows carry the threshold).
            console.info("decision: \(trained.decision.summary)")
            let files = try ExperimentInference.imagesToRead(inputs, warn: console.warning)
            let rows = try ExperimentInference.infer(trained, images: files, console: console)
            if let output {
                try ExperimentInference.writeCSV(rows, classes: trained.predictor.info.classes, to: URL(fileURLWithPath: output))
            }
            return (rows, trained.predictor.info.classes)
        }
        if out.json { rows.forEach { printJSON($0) }; return }
        for r in rows { print(String(format: "%@\t%@\t%.4f", r.image, r.predicted, r.probability)) }
        if let output { console.info("wrote \(rows.count) predictions (\(classes.joined(separator: ", "))) to \(output)") }
    }
}
