// `--experiment` and `--stage`, shared by `run` and `plan`: which part of a pipeline to cover.
import ArgumentParser
import MonkPipeline

struct SelectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Only this experiment's train and test stages (and the load stage if it is not cached); no comparison. Repeatable.",
        valueName: "name"))
    var experiment: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Only stages of this kind; compare builds the comparison from finished experiments, train and test also load the data if needed. Repeatable; combines with --experiment.",
        valueName: "kind"))
    var stage: [StageKind] = []

    var selection: StageSelection { StageSelection(experiments: experiment, kinds: stage) }
}

extension StageKind: ExpressibleByArgument {}
