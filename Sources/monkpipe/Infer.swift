// `monkpipe infer`: a trained experiment's predictions for images or folders.
import ArgumentParser
import Foundation
import MonkPipeline

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict the class of images (files or folders) with a trained experiment's best checkpoint.")

    @Option(name: .long, help: "The experiment directory, workspace/<project>/<experiment>.")
    var experiment: String
    @Option(name: .long, help: "The epoch with the best validation metric, or the last one.")
    var checkpoint = CheckpointChoice.best
    @Option(name: .long, help: "Write a CSV of the predictions here.")
    var output: String?
    @Option(name: .long) var threads = 2
    @OptionGroup var out: OutputOptions
    @Argument(help: "Image files or folders.")
    var inputs: [String]

    func run() throws {
        let console = out.console
        let (rows, classes) = try reportingErrors { () throws -> ([InferenceRow], [String]) in
            let exp = try TrainedExperiment(directory: URL(fileURLWithPath: experiment))
            let predictor = try exp.predictor(checkpoint: checkpoint, threads: threads)
            let files = ExperimentInference.imageFiles(inputs.map { URL(fileURLWithPath: $0) })
            guard !files.isEmpty else { throw PipelineError.invalid("no images found in \(inputs.joined(separator: ", "))") }
            let rows = try ExperimentInference.infer(predictor, images: files, console: console)
            if let output {
                try ExperimentInference.writeCSV(rows, classes: predictor.info.classes, to: URL(fileURLWithPath: output))
            }
            return (rows, predictor.info.classes)
        }
        if out.json { rows.forEach { printJSON($0) }; return }
        for r in rows { print(String(format: "%@\t%@\t%.4f", r.image, r.predicted, r.probability)) }
        if let output { console.info("wrote \(rows.count) predictions (\(classes.joined(separator: ", "))) to \(output)") }
    }
}
