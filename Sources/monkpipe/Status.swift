// `monkpipe status FILE`: each experiment not started, queued, running, interrupted, finished
// or failed, with the scheduler's job id, progress, accuracy or the failure's log.
import ArgumentParser
import Foundation
import MonkPipeline

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each experiment's state: not started, queued, running, interrupted, finished or failed.",
        discussion: """
        Reads the workspace (states, checkpoints, locks, cache records) and, for experiments \
        submitted with `monkpipe submit --slurm`, squeue. With --wait, polls until every \
        experiment has finished (exit 0) or one has failed (exit 1).
        """)

    @Argument(help: "The pipeline file (YAML).")
    var file: String

    @Flag(name: .long, help: "Wait until every experiment has finished or one has failed.")
    var wait = false

    @Option(name: .long, help: ArgumentHelp("Seconds between checks with --wait.", valueName: "seconds"))
    var interval: Double = 30

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(interval > 0 && interval <= 86_400) { throw ValidationError("--interval must be between 0 and 86400 seconds") }
    }

    func run() throws {
        let plan = try loadPlan(file)
        let stop = StopSignal()
        let runner = PipelineRunner(plan: plan, console: Console(quiet: true, isTerminal: false), stop: stop)
        var status: SweepStatus
        if wait {
            stop.installSignalHandlers()
            status = try reportingErrors {
                try runner.waitForExperiments(interval: interval) { s in
                    if !output.quiet && !output.json {
                        print(ISO8601DateFormatter().string(from: Date()) + "  " + Dictionary(grouping: s.experiments, by: \.state)
                            .sorted { $0.key.rawValue < $1.key.rawValue }
                            .map { "\($0.value.count) \($0.key.rawValue.replacingOccurrences(of: "_", with: " "))" }
                            .joined(separator: ", "))
                    }
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
            print(StatusTable.render(status))
        }
        if let why = status.queueError { FileHandle.standardError.write(Data("warning: could not ask Slurm: \(why)\n".utf8)) }
        if wait && !status.failed.isEmpty { throw ExitCode(Exit.failure) }
    }
}

/// The text form of a status: one row per experiment, then the comparison.
enum StatusTable {
    static func render(_ s: SweepStatus) -> String {
        let width = max(10, (s.experiments.map(\.experiment.count).max() ?? 0)) + 2
        func pad(_ t: String, _ n: Int) -> String { t.padding(toLength: max(n, t.count + 1), withPad: " ", startingAt: 0) }
        var lines = [pad("experiment", width) + pad("state", 13) + "detail"]
        if let l = s.load {
            let detail = ["job \(l.job) \(l.jobState)", l.log.map { "log \($0)" }].compactMap { $0 }.joined(separator: "; ")
            lines.append(pad("(load)", width) + pad(l.state.rawValue, 13) + detail)
            for t in l.logTail ?? [] { lines.append(String(repeating: " ", count: width + 2) + "| " + t) }
        }
        for e in s.experiments {
            lines.append((pad(e.experiment, width) + pad(e.state.rawValue.replacingOccurrences(of: "_", with: " "), 13) + e.detail)
                .trimmingCharacters(in: .whitespaces))
            for l in e.logTail ?? [] { lines.append(String(repeating: " ", count: width + 2) + "| " + l) }
        }
        let c = s.comparison
        var detail: [String] = []
        if let r = c.report { detail.append(r) }
        if let j = c.job { detail.append("job \(j)" + (c.jobState.map { " \($0)" } ?? "")) }
        if c.state == .failed, let l = c.log { detail.append("log \(l)") }
        lines.append((pad("comparison", width) + pad(c.state.rawValue.replacingOccurrences(of: "_", with: " "), 13) + detail.joined(separator: "; "))
            .trimmingCharacters(in: .whitespaces))
        for t in c.logTail ?? [] { lines.append(String(repeating: " ", count: width + 2) + "| " + t) }
        return lines.joined(separator: "\n")
    }
}
