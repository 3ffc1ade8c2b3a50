// The compare stage: every compared experiment's settings, history, run facts and test
// evaluation gathered into MonkReport's comparison (CSV, SVG plots, index.html).
import Foundation
import MonkEngine
import MonkPlan
import MonkReport

enum CompareStage {
    static func run(plan: Plan, layout: WorkspaceLayout) throws -> ComparisonReport {
        // Another project's run may have written the folder since this run started.
        try layout.claimComparison()
        var runs: [ExperimentRun] = []
        for name in plan.comparison.experiments {
            guard let e = plan.experiment(named: name) else {
                throw PipelineError.unknownExperiment(name, known: plan.experiments.map(\.name))
            }
            runs.append(try experimentRun(plan: plan, e, paths: layout.experiment(name)))
        }
        let report = ComparisonReport(name: plan.comparison.name, runs: runs)
        try report.write(to: layout.comparison.root)
        return report
    }

    static func experimentRun(plan: Plan, _ e: ExperimentPlan, paths: ExperimentPaths) throws -> ExperimentRun {
        try experimentRun(plan: plan, e, paths: paths, state: ExperimentState.read(paths.state))
    }

    /// The run of `e` whose experiment-state.json holds `state` (read by the caller).
    static func experimentRun(plan: Plan, _ e: ExperimentPlan, paths: ExperimentPaths, state: ExperimentState) throws -> ExperimentRun {
        let history = try DamagedFile.decodeJSON([EpochRecord].self, from: paths.historyJSON,
                                                 remedy: "run the pipeline with --force train/\(e.name) to train \(e.name) again")
        let predictionsURL = paths.storedPredictions
        var evaluation: Evaluation?
        if FileManager.default.fileExists(atPath: predictionsURL.path) {
            evaluation = try DamagedFile.decodeJSON(StoredPredictions.self, from: predictionsURL,
                                                    remedy: "run the pipeline with --force test/\(e.name) to test \(e.name) again").evaluation()
        }
        let t = state.training
        let facts = RunFacts(trainingSeconds: t?.trainingSeconds, peakMemoryMB: t?.peakMemoryMB,
                             trainImagesPerSecond: t?.trainImagesPerSecond, trainImages: t?.trainImages ?? 0,
                             validationImages: t?.validationImages ?? 0, testImages: evaluation?.predictions.count ?? 0)
        let config = TrainingConfiguration(
            model: e.model.rawValue, pretrained: e.pretrained != .none,
            frozen: (e.freezeBaseNetwork ? "all but the head" : (e.freezeLayers > 0 ? "first \(e.freezeLayers) layers" : "none"))
                + (e.frozenSpan.map { " \($0)" } ?? ""),
            epochs: e.epochs, optimizer: e.optimizer.reportText, learningRate: e.optimizer.learningRate,
            schedule: e.lrSchedule.reportText, loss: e.loss.reportText, batchSize: plan.data.batchSize,
            inputSize: plan.data.inputSize)
        return ExperimentRun(project: plan.project, experiment: e.name, configuration: config, facts: facts,
                             history: history,
                             settings: SettingsText.settings(plan, e), evaluation: evaluation,
                             kept: state.keptCheckpoint(history: history))
    }
}
