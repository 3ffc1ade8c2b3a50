// `monkpipe export`: an experiment's checkpoint as a self-contained file pair to publish.
import ArgumentParser
import Foundation
import MonkPipeline

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a trained model as a self-contained checkpoint (NAME.safetensors + NAME.json).",
        discussion: """
        The sidecar records the classes, the evaluation preprocessing and the decision the model \
        applies (the threshold its test stage chose, or the experiment's rule resolved now, e.g. \
        Youden's J on its validation images; --threshold to set another), so that `evaluate \
        --checkpoint NAME.safetensors` and `infer --checkpoint` give exactly what `evaluate \
        --experiment` gives, without the experiment folder.
        """)

    @OptionGroup var model: ModelOptions
    @Option(name: .long, help: "Where to write the weights (NAME.safetensors; the sidecar goes to NAME.json).")
    var to: String
    @OptionGroup var out: OutputOptions

    func run() throws {
        let console = out.console
        let info = try reportingErrors {
            let trained = try model.load(console: console)
            console.info("decision: \(trained.decision.summary)")
            return try CheckpointExport.write(trained, to: URL(fileURLWithPath: to))
        }
        if out.json { printJSON(["weights": to, "classes": info.classes.joined(separator: ",")]) } else {
            print("wrote \(to) and its sidecar \(URL(fileURLWithPath: to).deletingPathExtension().lastPathComponent).json (\(info.weightsBytes) bytes of weights)")
        }
    }
}
