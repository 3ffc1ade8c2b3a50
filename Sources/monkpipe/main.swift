// The monkpipe command line: one subcommand per file, each a thin call into MonkPipeline.
import ArgumentParser
import MonkPipeline

struct Monkpipe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monkpipe",
        abstract: "Train, evaluate and compare image classifiers from YAML pipelines.",
        version: MonkpipeVersion.string,
        subcommands: [])
}

Monkpipe.main()
