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
        let (decisions, estimates) = try reportingErrors {
            let planned = try runner.stages()
            let decisions = runner.decisions(planned.stages)
            return (decisions, try runner.estimates(decisions, sources: planned.sources))
        }
        if output.json {
            printJSON(decisions.map { d -> PlanLine in
                var o = PlanLine(stage: d.stage.identity, key: d.stage.key.hex, decision: "runs", estimate: estimates[d.stage.identity])
                switch d.verdict {
                case .cached: o.decision = "cached"
                case .cachedElsewhere(let from): o.decision = "cached"; o.copied_from = from
                case .carriedOver(let old): o.decision = "cached"; o.carried_over_from = old.key.hex
                case .runs(let why): o.because = why
                case .cannotRun(let why): o.decision = "cannot_run"; o.because = why
                }
                return o
            })
        } else {
            for d in decisions {
                print(d.line)
                if let estimate = estimates[d.stage.identity] { print("    " + estimate.line) }
            }
            if estimates.count > 1 { print(TrainingEstimate.total(Array(estimates.values))) }
        }
        // A stage that cannot run (missing weights) is a failure CI should see.
        if decisions.contains(where: { if case .cannotRun = $0.verdict { return true } else { return false } }) {
            throw ExitCode(Exit.failure)
        }
    }
}

/// One stage in `plan --json`; `estimate` (train stages that run) in the YAML's key spelling.
struct PlanLine: Encodable {
    var stage: String
    var key: String
    var decision: String
    var because: String?
    var copied_from: String?
    /// The key of an older monkpipe's record that did the stage's work.
    var carried_over_from: String?
    var estimate: TrainingEstimate?

    enum CodingKeys: String, CodingKey { case stage, key, decision, because, copied_from, carried_over_from, estimate }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(stage, forKey: .stage)
        try c.encode(key, forKey: .key)
        try c.encode(decision, forKey: .decision)
        try c.encodeIfPresent(because, forKey: .because)
        try c.encodeIfPresent(copied_from, forKey: .copied_from)
        try c.encodeIfPresent(carried_over_from, forKey: .carried_over_from)
        if let estimate { try c.encode(EstimateJSON(estimate), forKey: .estimate) }
    }
}

/// An estimate with its total in seconds, snake_case like the rest of the output.
struct EstimateJSON: Encodable {
    var train_images: Int, validation_images: Int, exact_counts: Bool, epochs: Int, may_stop_early: Bool
    var train_images_per_second: Double, eval_images_per_second: Double?, source: String, seconds: Double

    init(_ e: TrainingEstimate) {
        (train_images, validation_images, exact_counts, epochs, may_stop_early) = (e.trainImages, e.validationImages, e.exactCounts, e.epochs, e.mayStopEarly)
        (train_images_per_second, eval_images_per_second, source, seconds) = (e.trainImagesPerSecond, e.evalImagesPerSecond, e.source.rawValue, e.seconds)
    }
}
