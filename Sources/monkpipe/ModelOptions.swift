// The options `infer` and `evaluate` share: which trained model (an experiment's checkpoint or a
// checkpoint file) and an optional decision threshold that overrides the recorded one.
import ArgumentParser
import Foundation
import MonkPipeline

/// `--checkpoint best|final|FILE`.
enum CheckpointArgument: Equatable {
    case choice(CheckpointChoice)
    case file(String)

    struct Invalid: Error, CustomStringConvertible {
        var value: String
        var description: String {
            "expected 'best' and 'final' (with --experiment) or a checkpoint file (.safetensors with its .json sidecar); \(value) is neither"
        }
    }

    /// A word, or a path: anything that exists or names a .safetensors file (a missing one is
    /// reported when it is opened, with its path).
    static func parse(_ value: String) throws -> CheckpointArgument {
        if let choice = CheckpointChoice(rawValue: value) { return .choice(choice) }
        if value.hasSuffix(".safetensors") || FileManager.default.fileExists(atPath: value) { return .file(value) }
        throw Invalid(value: value)
    }
}

struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "The experiment directory, workspace/<project>/<experiment>.")
    var experiment: String?
    @Option(name: .long, help: ArgumentHelp(
        "best or final (of --experiment; default: the one its test stage evaluates), or a checkpoint file.",
        discussion: "A checkpoint file is a .safetensors file with its .json sidecar beside it; the sidecar gives the classes, preprocessing and decision threshold.",
        valueName: "best|final|file"), transform: CheckpointArgument.parse)
    var checkpoint: CheckpointArgument?
    @Option(name: .long, help: "Two classes: decide positive when P(positive class) ≥ this, instead of the threshold the experiment's test stage applied.")
    var threshold: Double?
    @Option(name: .long) var threads = 2

    func validate() throws {
        switch (experiment, checkpoint) {
        case (nil, .file?): break
        case (nil, _): throw ValidationError("give --experiment DIR (a trained experiment) or --checkpoint FILE (a .safetensors checkpoint)")
        case (_?, .file?): throw ValidationError("--checkpoint FILE stands alone: leave out --experiment, or use --checkpoint best|final")
        case (_?, _): break
        }
        if let threshold, !(threshold.isFinite && (0...1).contains(threshold)) {
            throw ValidationError("--threshold is a probability between 0 and 1, not \(threshold)")
        }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var source: ModelSource {
        if case .file(let path)? = checkpoint { return .file(URL(fileURLWithPath: path)) }
        var choice: CheckpointChoice?
        if case .choice(let c)? = checkpoint { choice = c }
        // validate() has made sure an experiment is named.
        return .experiment(directory: URL(fileURLWithPath: experiment ?? "."), checkpoint: choice)
    }

    func load(console: Console) throws -> TrainedModel {
        try TrainedModel(source, threshold: threshold, threads: threads, console: console)
    }
}
