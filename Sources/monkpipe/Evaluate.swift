// `monkpipe evaluate`: a trained experiment's metrics on a labelled folder.
import ArgumentParser
import Foundation
import MonkPipeline

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained experiment on a folder-per-class dataset (accuracy, sensitivity, specificity, AUC with intervals).")

    @Option(name: .long, help: "The experiment directory, workspace/<project>/<experiment>.")
    var experiment: String
    @Option(name: .long, help: "A folder with one sub-folder per class.")
    var data: String
    @Option(name: .long, help: "The epoch with the best validation metric, or the last one.")
    var checkpoint = CheckpointChoice.best
    @Option(name: .long, help: "Write metrics.json, predictions.csv and plots into this folder.")
    var output: String?
    @Option(name: .long) var threads = 2
    @OptionGroup var out: OutputOptions

    func run() throws {
        let evaluation = try reportingErrors {
            let exp = try TrainedExperiment(directory: URL(fileURLWithPath: experiment))
            let e = try ExperimentInference.evaluate(exp, checkpoint: checkpoint, data: URL(fileURLWithPath: data),
                                                     threads: threads, console: out.console)
            if let output { try e.writeReport(to: URL(fileURLWithPath: output), experiment: exp.state.experiment) }
            return e
        }
        if out.json {
            print(String(decoding: (try? evaluation.metrics.jsonData()) ?? Data(), as: UTF8.self))
        } else {
            print(evaluation.metrics.textSummary(), terminator: "")
        }
    }
}
