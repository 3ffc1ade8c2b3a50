// `--force`, `--experiment`, `--stage` and `--offline`, shared by `run` and `plan`: which
// stages to rerun even if cached, which part of a pipeline to cover, and whether missing
// pretrained files may be downloaded.
import ArgumentParser
import Foundation
import MonkPipeline

struct StageOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Rerun even if cached: all, a stage kind (load, train, test, compare) or one stage (train/NAME, test/NAME, compare/NAME). Repeatable.",
        valueName: "target"),
            transform: ForceTarget.init(parsing:))
    var force: [ForceTarget] = []

    @Option(name: .long, help: ArgumentHelp(
        "Only this experiment's train and test stages (and the load stage if it is not cached); no comparison. Repeatable.",
        valueName: "name"))
    var experiment: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Only stages of this kind (load, train, test, compare); compare builds the comparison from finished experiments, train and test also load the data if needed. Repeatable; combines with --experiment.",
        valueName: "kind"),
            transform: StageOptions.stageKind)
    var stage: [StageKind] = []

    @Flag(name: .long, help: "Never download pretrained weights: a file missing from the framework's cache folders stops its experiment, with the file, folder and address to fetch it by hand. MONKPIPE_OFFLINE=1 does the same.")
    var offline = false

    /// A `--stage` word; a misspelt one is a usage error naming the nearest kind, as `--force`
    /// and `--experiment` do (ArgumentParser's own check listed the kinds but suggested none).
    static func stageKind(_ word: String) throws -> StageKind {
        guard let kind = StageKind(word: word) else {
            throw UsageError.unknownName(word, what: "stage kind", given: nil, known: StageKind.allCases.map(\.rawValue))
        }
        return kind
    }

    var options: RunOptions {
        let environment = ProcessInfo.processInfo.environment
        return RunOptions(force: force, selection: StageSelection(experiments: experiment, kinds: stage), environment: environment,
                          downloads: WeightsDownloads.from(offlineFlag: offline, environment: environment))
    }
}
