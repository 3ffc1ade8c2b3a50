// The compare stage: every compared experiment's settings, history, run facts and test
// evaluation gathered into MonkReport's comparison (CSV, SVG plots, index.html).
import Foundation
import MonkPlan
import MonkReport

enum CompareStage {
    static func run(plan: Plan, layout: WorkspaceLayout) throws -> ComparisonReport {
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
        let state = try ExperimentState.read(paths.state)
        let history = try JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: paths.historyJSON))
        let predictionsURL = paths.storedPredictions
        var evaluation: Evaluation?
        if FileManager.default.fileExists(atPath: predictionsURL.path) {
            evaluation = try JSONDecoder().decode(StoredPredictions.self, from: Data(contentsOf: predictionsURL)).evaluation()
        }
        let t = state.training
        let facts = RunFacts(trainingSeconds: t?.trainingSeconds, peakMemoryMB: t?.peakMemoryMB,
                             trainImagesPerSecond: t?.trainImagesPerSecond, trainImages: t?.trainImages ?? 0,
                             validationImages: t?.validationImages ?? 0, testImages: evaluation?.predictions.count ?? 0)
        let config = TrainingConfiguration(
            model: e.model.rawValue, pretrained: e.pretrained != .none,
            frozen: e.freezeBaseNetwork ? "all but the head" : (e.freezeLayers > 0 ? "first \(e.freezeLayers) layers" : "none"),
            epochs: e.epochs, optimizer: e.optimizer.displayName, learningRate: e.optimizer.learningRate,
            schedule: e.lrSchedule.displayName, loss: e.loss.displayName, batchSize: plan.data.batchSize,
            inputSize: plan.data.inputSize)
        return ExperimentRun(project: plan.project, experiment: e.name, configuration: config, facts: facts,
                             history: history.map {
                                 MonkReport.EpochRecord(epoch: $0.epoch, trainLoss: $0.trainLoss, trainAccuracy: $0.trainAccuracy,
                                                        validationLoss: $0.valLoss, validationAccuracy: $0.valAccuracy)
                             },
                             settings: settings(plan, e), evaluation: evaluation)
    }

    static func settings(_ plan: Plan, _ e: ExperimentPlan) -> [Setting] {
        var out: [Setting] = [
            Setting("model", e.model.rawValue),
            Setting("pretrained", "\(e.pretrained)"),
            Setting("freeze_base_network", "\(e.freezeBaseNetwork)"),
            Setting("freeze_layers", "\(e.freezeLayers)"),
            Setting("epochs", "\(e.epochs)"),
            Setting("optimizer", e.optimizer.displayName),
            Setting("lr_schedule", e.lrSchedule.displayName),
            Setting("loss", e.loss.displayName),
            Setting("test_checkpoint", e.testCheckpoint.rawValue),
            Setting("seed", "\(e.seed)"),
            Setting("input_size", "\(plan.data.inputSize)"),
            Setting("batch_size", "\(plan.data.batchSize)"),
        ]
        if let es = e.earlyStopping {
            out.append(Setting("early_stopping", "\(es.metric.rawValue) \(es.mode.rawValue), patience \(es.patience), min_delta \(es.minDelta)"))
        }
        return out
    }
}

extension MonkPlan.Optimizer {
    var displayName: String {
        switch self {
        case .sgd(let s):
            return "SGD lr \(s.lr) momentum \(s.momentum)\(s.nesterov ? " nesterov" : "") wd \(s.weightDecay)"
        case .adam(let s): return "Adam lr \(s.lr) betas (\(s.beta1), \(s.beta2)) wd \(s.weightDecay)"
        case .adamw(let s): return "AdamW lr \(s.lr) betas (\(s.beta1), \(s.beta2)) wd \(s.weightDecay)"
        case .rmsprop(let s): return "RMSprop lr \(s.lr) alpha \(s.alpha) momentum \(s.momentum) wd \(s.weightDecay)"
        }
    }
}

extension MonkPlan.LRSchedule {
    var displayName: String {
        switch self {
        case .fixed: return "fixed"
        case let .step(n, g): return "step ×\(g) every \(n) epoch\(n == 1 ? "" : "s")"
        case let .multistep(m, g): return "multistep ×\(g) at \(m.map(String.init).joined(separator: ", "))"
        case .exponential(let g): return "exponential ×\(g) per epoch"
        case let .cosine(t, eta, w): return "cosine T_max \(t) eta_min \(eta)\(w > 0 ? ", \(w) warm-up epochs" : "")"
        case .plateau(let p): return "plateau ×\(p.factor) after \(p.patience) epochs on \(p.metric.rawValue)"
        }
    }
}

extension MonkPlan.Loss {
    var displayName: String {
        func w(_ c: ClassWeights) -> String {
            switch c {
            case .none: return ""
            case .balanced: return ", balanced class weights"
            case .explicit(let l): return ", class weights \(l)"
            }
        }
        switch self {
        case let .crossEntropy(c, s): return "cross-entropy\(w(c))\(s > 0 ? ", label smoothing \(s)" : "")"
        case .binaryCrossEntropy(let c): return "binary cross-entropy\(w(c))"
        }
    }
}
