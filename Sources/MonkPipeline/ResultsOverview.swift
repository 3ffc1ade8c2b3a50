// `monkpipe show` and `run --json`: a pipeline's results read back from its workspace (nothing
// runs), as one table of its experiments or the metrics of each test stage.
import Foundation
import MonkPlan
import MonkReport

public enum ResultsOverview {
    /// Every experiment of the plan, in plan order, with whatever its workspace holds.
    public static func table(_ plan: Plan) -> ResultsTable {
        let layout = WorkspaceLayout(plan: plan)
        return ResultsTable(plan.experiments.map { e in
            let paths = layout.experiment(e.name)
            guard let state = try? ExperimentState.read(paths.state) else {
                return .init(experiment: e.name, status: "not run", settings: SettingsText.settings(plan, e), run: nil)
            }
            // Results of other settings than the file's now are shown, but not as if they were current.
            let status = state.config == e ? state.status.rawValue : "\(state.status.rawValue), settings changed since"
            let run = try? CompareStage.experimentRun(plan: plan, e, paths: paths)
            return .init(experiment: e.name, status: status, settings: SettingsText.settings(plan, e), run: run)
        })
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
