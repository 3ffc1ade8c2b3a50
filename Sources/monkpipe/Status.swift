// `monkpipe status FILE`: each experiment not started, queued, running, interrupted, finished
// or failed, with the scheduler's job id, progress, accuracy or the failure's log.
import ArgumentParser
import Foundation
import MonkPipeline

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each experiment's state: not started, queued, running, interrupted, finished, failed or unreadable.",
        discussion: """
        Reads the workspace (states, checkpoints, locks, cache records) and, for experiments \
        submitted with `monkpipe submit --slurm`, squeue. With --wait, polls until every \
        experiment has finished (exit 0) or one has failed for good or cannot be read (exit 1), or the comparison's folder \
        holds another project's report (exit 4: every run of this pipeline is refused). A failure that a \
        Kubernetes Job retries (status says "retry 1 of 3 to come") is waited on.
        """)

    @Argument(help: "The pipeline file (YAML).")
    var file: String

    @Flag(name: .long, help: "Wait until every experiment has finished or one has failed for good.")
    var wait = false

    @Option(name: .long, help: ArgumentHelp("Seconds between checks with --wait.", valueName: "seconds"))
    var interval: Double = 30

    @OptionGroup var settings: SetOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(interval > 0 && interval <= 86_400) { throw ValidationError("--interval must be between 0 and 86400 seconds") }
    }

    func run() throws {
        let plan = try loadPlan(file, settings)
        let stop = StopSignal()
        let runner = PipelineRunner(plan: plan, console: Console(quiet: true, isTerminal: false), stop: stop)
        let status: SweepStatus
        if wait {
            stop.installSignalHandlers()
            status = try reportingErrors {
                try runner.waitForExperiments(interval: interval) { s in
                    guard !output.quiet && !output.json else { return }
                    print(ISO8601DateFormatter().string(from: Date()) + "  " + s.counts)
                    fflush(nil)  // a pod's or job's log is a file: show each change as it happens
                }
            }
        } else {
            status = runner.sweepStatus()
        }
        if output.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            if let data = try? encoder.encode(status) { print(String(decoding: data, as: UTF8.self)) }
        } else if !output.quiet || wait {
            print(status.table)
        }
        if let why = status.queueError { FileHandle.standardError.write(Data("warning: could not ask Slurm: \(why)\n".utf8)) }
        // Refused (4) apart from failed (1): a failed experiment may succeed when retried.
        if wait && status.cannotComplete { throw ExitCode(status.refused ? Exit.refused : Exit.failure) }
    }
}
