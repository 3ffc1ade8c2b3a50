// `monkpipe run FILE`: run every stage that is not cached; resume interrupted training.
import ArgumentParser
import Foundation
import MonkPipeline

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline: load, train, test and compare, skipping cached stages.",
        discussion: """
        Ctrl-C stops after the current batch and saves; running the same command again resumes. \
        --experiment and --stage run a part of the pipeline, e.g. one job per experiment on a \
        cluster: `--stage load`, then `--experiment NAME` for each experiment, then `--stage compare`.
        """)

    @Argument(help: "The pipeline file (YAML).")
    var file: String

    @OptionGroup var stages: StageOptions

    @OptionGroup var settings: SetOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let plan = try loadPlan(file, settings)
        let stop = StopSignal()
        let console = output.console
        stop.installSignalHandlers {
            FileHandle.standardError.write(Data("\nstopping after the current batch (Ctrl-C again to quit at once)…\n".utf8))
        }
        let report = try reportingErrors {
            try PipelineRunner(plan: plan, options: stages.options, console: console, stop: stop).run()
        }
        if output.json {
            // Each test stage (run or cached) carries its metrics, as its metrics.json has them.
            print(String(decoding: try reportingErrors { try ResultsOverview.runJSON(plan, report) }, as: UTF8.self))
        } else {
            console.info("done: " + report.stages.map { "\($0.identity) \(Run.word($0.outcome))" }.joined(separator: ", "))
        }
        warnUnreadableStates(plan)
        if report.failed {
            for (id, outcome) in report.stages { if case .failed(let why) = outcome { FileHandle.standardError.write(Data("error: \(id): \(why)\n".utf8)) } }
            throw ExitCode(Exit.failure)
        }
        // Only another run's lock kept stages from running: the documented status 3.
        if !report.locked.isEmpty {
            for (id, why) in report.locked { FileHandle.standardError.write(Data("error: \(id): \(why)\n".utf8)) }
            throw ExitCode(Exit.locked)
        }
    }

    static func word(_ o: RunReport.Outcome) -> String {
        switch o {
        case .cached: return "cached"
        case .ran(let s): return String(format: "ran (%.1f s)", s)
        case .failed: return "FAILED"
        case .notRun: return "not run"
        case .locked: return "LOCKED"
        }
    }
}

