// `monkpipe show` and `run --json`: a pipeline's results read back from its workspace (nothing
// runs), as one table of its experiments or the metrics of each test stage.
import Foundation
import MonkPlan
import MonkReport

public enum ResultsOverview {
    /// Every experiment of the plan, in plan order, with whatever its workspace holds. Its
    /// status is the one `monkpipe status` gives (`PipelineRunner.experimentStatuses`): by the
    /// stage keys of the spec, not by what experiment-state.json last recorded, which a run of
    /// other settings or of only some stages leaves behind.
    public static func table(_ plan: Plan) -> ResultsTable {
        overview(plan).table
    }

    /// `table`, and why each `unreadable` experiment is (its experiment-state.json is there but
    /// cannot be read, or its train stage is damaged: the file, what is wrong, what to do), in
    /// plan order: both from one read of each state, so the warnings `show` prints are those
    /// of its rows.
    public static func overview(_ plan: Plan) -> (table: ResultsTable, unreadableStates: [String]) {
        let layout = WorkspaceLayout(plan: plan)
        let read = PipelineRunner(plan: plan, console: Console(quiet: true, isTerminal: false)).experimentStatusesAndStates()
        let table = ResultsTable(zip(plan.experiments, read).map { e, read in
            let status = read.status
            // An unreadable experiment has no numbers to give: its state does not read, or its
            // training is damaged (the row says so; what its test measured was of those weights).
            // A deleted state's row has what a run writes again from the cached stages, as
            // status has its accuracy from them.
            let run = status.state == .unreadable ? nil : (read.stored.state ?? read.restored).flatMap { try? CompareStage.experimentRun(plan: plan, e, paths: layout.experiment(e.name), state: $0) }
            // Results of other settings than the file's now are not given as if they were
            // current: a test's until the experiment is finished, a training's (its kept
            // checkpoint, time and memory) while status says so (its state records another
            // train key and the spec's training has not ended), in status's words.
            return .init(experiment: e.name, status: status.resultWord, settings: SettingsText.settings(plan, e), run: run,
                         testOfOtherSettings: status.state != .finished && run?.evaluation != nil,
                         trainingOfOtherSettings: status.trainingOfOtherSettings == true, stateMissing: status.stateMissing == true,
                         keptUnknown: status.state == .unreadable)
        })
        return (table, read.compactMap { $0.status.state == .unreadable ? $0.status.error : nil })
    }

    /// Why each experiment whose experiment-state.json is there but cannot be read is
    /// `unreadable` (the file, what is wrong, what to do), in plan order: what `run` warns
    /// with, read once after its stages (which may have written the states).
    public static func unreadableStates(_ plan: Plan) -> [String] {
        let layout = WorkspaceLayout(plan: plan)
        return plan.experiments.compactMap { ExperimentState.readForStatus(layout.experiment($0.name).state).unreadable }
    }

    /// The test metrics an experiment's test stage wrote, if it has run.
    public static func testMetrics(_ plan: Plan, experiment: String) -> TestMetrics? {
        let url = WorkspaceLayout(plan: plan).experiment(experiment).metrics
        return (try? Data(contentsOf: url)).flatMap { try? TestMetrics.decode($0) }
    }

    /// `run --json`: one object per stage, {stage, outcome}, and for a test stage its metrics.
    public static func runJSON(_ plan: Plan, _ report: RunReport) throws -> Data {
        struct Stage: Encodable {
            var stage: String
            var outcome: String
            var metrics: TestMetrics?
        }
        let prefix = StageKind.test.rawValue + "/"
        let stages = report.stages.map { s in
            Stage(stage: s.identity, outcome: "\(s.outcome)",
                  metrics: s.identity.hasPrefix(prefix) ? testMetrics(plan, experiment: String(s.identity.dropFirst(prefix.count))) : nil)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(stages)
    }
}
