// `monkpipe evaluate`: a trained model's metrics on a labelled folder.
import ArgumentParser
import Foundation
import MonkPipeline

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a trained model on a folder-per-class dataset (accuracy, sensitivity, specificity, AUC with intervals).",
        discussion: """
        The model is an experiment's checkpoint (--experiment DIR) or a checkpoint file alone \
        (--checkpoint FILE.safetensors). Either way it decides exactly as the experiment's test \
        stage did (same threshold, positive class and bootstrap), so on the test folder the \
        numbers equal the test stage's.
        """)

    @OptionGroup var model: ModelOptions
    @Option(name: .long, help: "A folder with one sub-folder per class.")
    var data: String
    @Option(name: .long, help: "Write metrics.json, predictions.csv and plots into this folder.")
    var output: String?
    @OptionGroup var out: OutputOptions

    func run() throws {
        let console = out.console
        let (evaluation, heading) = try reportingErrors {
            let trained = try model.load(console: console)
            console.info("decision: \(trained.decision.summary)")
            let folder = URL(fileURLWithPath: data)
            let e = try ExperimentInference.evaluate(trained, data: folder, console: console)
            let (heading, images) = ExperimentInference.names(trained, folder: data)
            if let output {
                let name = model.experiment.map { URL(fileURLWithPath: $0).lastPathComponent }
                    ?? URL(fileURLWithPath: trained.checkpointName).deletingPathExtension().lastPathComponent
                try e.writeReport(to: URL(fileURLWithPath: output), experiment: name,
                                  images: images, heading: heading)
            }
            return (e, heading)
        }
        if out.json {
            print(String(decoding: (try? evaluation.metrics.jsonData()) ?? Data(), as: UTF8.self))
        } else {
            print(evaluation.metrics.textSummary(heading: heading), terminator: "")
        }
    }
}
