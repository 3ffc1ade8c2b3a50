// `--force`, `--experiment` and `--stage`, shared by `run` and `plan`: which stages to rerun
// even if cached, and which part of a pipeline to cover.
import ArgumentParser
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
        "Only stages of this kind; compare builds the comparison from finished experiments, train and test also load the data if needed. Repeatable; combines with --experiment.",
        valueName: "kind"))
    var stage: [StageKind] = []

    var options: RunOptions { RunOptions(force: force, selection: StageSelection(experiments: experiment, kinds: stage)) }
}
