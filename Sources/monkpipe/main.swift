// The monkpipe command line: one subcommand per file, each a thin call into MonkPipeline.
import ArgumentParser
import MonkPipeline

struct Monkpipe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monkpipe",
        abstract: "Train, evaluate and compare image classifiers from YAML pipelines.",
        discussion: """
        Exit status: 0 success; 1 a stage or command failed; 2 the spec file is invalid; \
        3 another run holds the experiment's lock; 4 refused before anything ran (the \
        comparison's folder holds another project's report); 64 bad command-line usage; \
        130 interrupted (Ctrl-C) after saving a checkpoint — run the same command to resume.
        """,
        version: MonkpipeVersion.string,
        subcommands: [Run.self, PlanCommand.self, Validate.self, Schema.self, Infer.self, Evaluate.self,
                      Compare.self, Show.self, Export.self, Submit.self, Status.self, Models.self, CheckData.self, Bench.self, Classify.self, GC.self])
}

Monkpipe.main()
