// `monkpipe plan FILE`: what would run, and why — every cache decision explained.
import ArgumentParser
import Foundation
import MonkPipeline

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show every stage as cached or \"runs because …\" without running anything.")

    @Argument(help: "The pipeline file (YAML).")
    var file: String

    @OptionGroup var stages: StageOptions

    @OptionGroup var settings: SetOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let plan = try loadPlan(file, settings)
        let runner = PipelineRunner(plan: plan, options: stages.options, console: output.console)
        let decisions = try reportingErrors { try runner.decisions(runner.stages().stages) }
        if output.json {
            printJSON(decisions.map { d -> [String: String] in
                var o = ["stage": d.stage.identity, "key": d.stage.key.hex]
                switch d.verdict {
                case .cached: o["decision"] = "cached"
                case .cachedElsewhere(let from): o["decision"] = "cached"; o["copied_from"] = from
                case .runs(let why): o["decision"] = "runs"; o["because"] = why
                case .cannotRun(let why): o["decision"] = "cannot_run"; o["because"] = why
                }
                return o
            })
        } else {
            for d in decisions { print(d.line) }
        }
        // A stage that cannot run (missing weights) is a failure CI should see.
        if decisions.contains(where: { if case .cannotRun = $0.verdict { return true } else { return false } }) {
            throw ExitCode(Exit.failure)
        }
    }
}
