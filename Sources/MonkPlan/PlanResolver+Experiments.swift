// Spec → Plan for experiments: defaults laid under each named experiment, the sweep
// expanded, each result checked as a complete experiment and every default filled in.
import Foundation
import MonkVocabulary

extension PlanResolver {
    /// More experiments than this (named × sweep points) is refused.
    static let maxExperiments = 1024

    mutating func resolveExperiments(seed: UInt64) -> [ExperimentPlan] {
        let shape = Shape.object(SpecFormat.experiment)
        let defaults = root["defaults"] ?? Overlay.empty(at: root.mark, path: "defaults")
        let named = (root["experiments"]?.entries ?? []).sorted { $0.key < $1.key }
        var bases = named.map { entry -> (name: String, node: YAMLNode, mark: SourceMark, discarded: [Overlay.Discarded]) in
            var discarded: [Overlay.Discarded] = []
            let node = Overlay.merge(defaults, entry.value, shape, discarded: &discarded)
            return (entry.key, node, entry.keyMark, discarded)
        }
        if bases.isEmpty { bases = [("default", defaults, defaults.mark, [])] }

        var points: [Sweep.Point] = []
        if let grid = root["sweep"] {
            switch Sweep.points(of: grid, experiment: SpecFormat.experiment) {
            case .success(let p): points = p
            case .failure(let error): log.append(error); return []
            }
        }
        if bases.count * max(points.count, 1) > Self.maxExperiments {
            report(.outOfRange, at: ["experiments"], "more than \(Self.maxExperiments) experiments; split the project")
            return []
        }
        var experiments: [(name: String, node: YAMLNode, mark: SourceMark, path: String)] = []
        for base in bases {
            if points.isEmpty {
                experiments.append((base.name, base.node, base.mark, "experiments." + base.name))
                discards.add(base.discarded, experiment: base.name)
            }
            for point in points {
                let name = named.isEmpty ? point.name : base.name + "-" + point.name
                var discarded = base.discarded
                var node = base.node
                for override in point.overrides { node = Overlay.merge(node, override, shape, discarded: &discarded) }
                experiments.append((name, node, root["sweep"]?.mark ?? root.mark, "sweep"))
                discards.add(discarded, experiment: name)
            }
        }

        var plans: [ExperimentPlan] = []
        var seen = Set<String>()
        var sweepTwins = SweepTwins()
        for experiment in experiments {
            if let problem = NameRules.problem(with: experiment.name) {
                log.append(SpecError(.unsafeName, at: experiment.mark, path: experiment.path, problem))
                continue
            }
            if !seen.insert(experiment.name).inserted {
                log.append(SpecError(.conflict, at: experiment.mark, path: experiment.path,
                    "two experiments are named '\(experiment.name)'; rename one"))
                continue
            }
            var validator = ShapeValidator(mode: .complete)
            let value = validator.check(experiment.node, shape)
            log.append(contentsOf: validator.errors)
            guard let value, let written = try? value.decode(ExperimentSpec.self) else { continue }
            let resolved = resolveExperiment(experiment.name, written, node: experiment.node, projectSeed: seed)
            if experiment.path == "sweep", let twin = sweepTwins.twin(of: resolved) {
                log.append(SpecError(.conflict, at: experiment.mark, path: experiment.path,
                    "the sweep points '\(twin)' and '\(resolved.name)' are the same experiment (a value is repeated, e.g. 0.01 and 1e-2); remove one"))
                continue
            }
            plans.append(resolved)
        }
        return plans
    }

    mutating func resolveExperiment(_ name: String, _ e: ExperimentSpec, node: YAMLNode, projectSeed: UInt64) -> ExperimentPlan {
        let model = e.model ?? ExperimentDefaults.model
        let epochs = e.epochs ?? ExperimentDefaults.epochs
        let seed = e.seed.map(UInt64.init) ?? projectSeed
        let pretrained: Pretrained
        switch e.pretrained {
        case nil where !model.pretrainedByDefault, .flag(false)?:
            pretrained = .none
        case nil, .flag(true)?:
            // The catalogue decides: a model without any published source cannot be
            // pretrained, whatever files lie around. Reported where `pretrained` (or, when it
            // is left to its default, `model`) was written, naming the experiment, since the
            // line may be shared by several (a default).
            if !model.hasPretrainedSource {
                report(.conflict, in: node, at: [e.pretrained == nil ? "model" : "pretrained"],
                       "experiment '\(name)': \(model.rawValue) has no published pretrained weights in monkpipe's model catalogue (`monkpipe models`); set pretrained: false, or pretrained: <weights file>")
            }
            pretrained = .imagenet
        case .file(let p)?:
            if let problem = PathRules.problem(with: p) { report(.invalidValue, in: node, at: ["pretrained"], problem) }
            // `pretrained: flase` is a typo, not a weights file: a bare word without an
            // extension that is one edit from a flag would otherwise only fail at `plan`.
            else if !p.contains("/"), !p.contains("."), let flag = Suggestion.nearest(to: p, in: ["true", "false"]) {
                report(.invalidValue, in: node, at: ["pretrained"],
                       "pretrained: '\(p)' is neither true, false nor a weights file (FILE.pth, .safetensors or .params)",
                       suggestion: flag)
            }
            pretrained = .file(path: PathRules.absolute(p, relativeTo: directory))
        }

        // Start from the vocabulary's defaults for the named optimizer and lay the written
        // settings over them.
        let o = e.optimizer
        var optimizer = (o?.type ?? OptimizerKind.specDefault).specDefaults(weightDecay: o?.weightDecay ?? model.defaultWeightDecay)
        switch optimizer {
        case .sgd(var s):
            s.lr = o?.lr ?? s.lr
            s.momentum = o?.momentum ?? s.momentum
            s.nesterov = o?.nesterov ?? s.nesterov
            if s.nesterov && s.momentum == 0 {
                report(.conflict, in: node, at: ["optimizer", "nesterov"], "nesterov needs a momentum above 0")
            }
            optimizer = .sgd(s)
        case .adam(var s), .adamw(var s):
            s.lr = o?.lr ?? s.lr
            if let betas = o?.betas { (s.beta1, s.beta2) = (betas[0], betas[1]) }
            s.eps = o?.eps ?? s.eps
            optimizer = optimizer.kind == .adam ? .adam(s) : .adamw(s)
        case .rmsprop(var s):
            s.lr = o?.lr ?? s.lr
            s.alpha = o?.alpha ?? s.alpha
            s.eps = o?.eps ?? s.eps
            s.momentum = o?.momentum ?? s.momentum
            optimizer = .rmsprop(s)
        }

        let freezeBase = e.freezeBaseNetwork ?? ExperimentDefaults.freezeBaseNetwork
        let freezeLayers = e.freezeLayers ?? ExperimentDefaults.freezeLayers
        if let after = e.unfreezeAfterEpochs {
            if !freezeBase && freezeLayers == 0 {
                report(.conflict, in: node, at: ["unfreeze_after_epochs"],
                       "experiment '\(name)': unfreeze_after_epochs needs layers frozen first: set freeze_base_network: true or freeze_layers: K")
            } else if after >= epochs {
                report(.conflict, in: node, at: ["unfreeze_after_epochs"],
                       "experiment '\(name)': unfreeze_after_epochs (\(after)) must be fewer than epochs (\(epochs)), or no epoch trains every layer")
            }
        }
        let stopping = earlyStopping(e.earlyStopping)
        return ExperimentPlan(
            name: name, model: model, pretrained: pretrained, freezeBaseNetwork: freezeBase,
            freezeLayers: freezeLayers, epochs: epochs, optimizer: optimizer,
            lrSchedule: schedule(e.lrSchedule, epochs: epochs, node: node), loss: loss(e.loss),
            earlyStopping: stopping, testCheckpoint: e.testCheckpoint ?? ExperimentDefaults.testCheckpoint,
            // The best checkpoint follows what early stopping watches, so the two agree.
            bestMetric: e.bestMetric ?? stopping?.metric ?? ExperimentDefaults.bestMetric,
            evaluation: evaluation(e.evaluation, seed: seed), seed: seed, unfreezeAfterEpochs: e.unfreezeAfterEpochs)
    }

    mutating func schedule(_ s: ScheduleSpec?, epochs: Int, node: YAMLNode) -> LRSchedule {
        let kind = s?.type ?? ScheduleKind.specDefault
        // Every schedule with a gamma has a default one (ScheduleKind.defaultGamma).
        let gamma = s?.gamma ?? kind.defaultGamma ?? 1
        switch kind {
        case .fixed: return .fixed
        case .step: return .step(stepSize: s?.stepSize ?? ScheduleKind.defaultStepSize, gamma: gamma)
        case .multistep:
            let milestones = s?.milestones ?? []
            if zip(milestones, milestones.dropFirst()).contains(where: { $0 >= $1 }) {
                report(.conflict, in: node, at: ["lr_schedule", "milestones"], "milestones must be strictly ascending epochs")
            }
            return .multistep(milestones: milestones, gamma: gamma)
        case .exponential: return .exponential(gamma: gamma)
        case .cosine:
            let warmup = s?.warmupEpochs ?? ScheduleKind.defaultWarmupEpochs
            if warmup >= epochs {
                report(.conflict, in: node, at: ["lr_schedule", "warmup_epochs"],
                       "warmup_epochs (\(warmup)) must be fewer than epochs (\(epochs))")
            }
            return .cosine(tMax: s?.tMax ?? max(1, epochs - warmup), etaMin: s?.etaMin ?? ScheduleKind.defaultEtaMin,
                           warmupEpochs: warmup)
        case .plateau:
            let metric = s?.metric ?? PlateauDefaults.metric
            return .plateau(PlateauSettings(metric: metric, mode: s?.mode ?? metric.defaultMode,
                                            factor: s?.factor ?? PlateauDefaults.factor,
                                            patience: s?.patience ?? PlateauDefaults.patience,
                                            threshold: s?.threshold ?? PlateauDefaults.threshold,
                                            cooldown: s?.cooldown ?? PlateauDefaults.cooldown,
                                            minLR: s?.minLR ?? PlateauDefaults.minLR))
        }
    }

    func loss(_ l: LossSpec?) -> Loss {
        let weights = l?.classWeights ?? ClassWeights.none
        switch l?.type ?? LossKind.specDefault {
        case .cross_entropy:
            return .crossEntropy(classWeights: weights, labelSmoothing: l?.labelSmoothing ?? LossKind.defaultLabelSmoothing)
        case .binary_cross_entropy: return .binaryCrossEntropy(classWeights: weights)
        }
    }

    func earlyStopping(_ e: EarlyStoppingSpec?) -> EarlyStopping? {
        guard case .on(let s)? = e else { return nil }
        let metric = s.metric ?? EarlyStoppingDefaults.metric
        return EarlyStopping(metric: metric, patience: s.patience ?? EarlyStoppingDefaults.patience,
                             minDelta: s.minDelta ?? EarlyStoppingDefaults.minDelta, mode: s.mode ?? metric.defaultMode)
    }

    func evaluation(_ e: EvaluationSpec?, seed: UInt64) -> EvaluationPlan {
        let threshold: ThresholdChoice
        switch e?.threshold {
        case .value(let x)?: threshold = .fixed(x)
        case .youden?: threshold = .youden
        case nil: threshold = .fixed(ExperimentDefaults.threshold)
        }
        return EvaluationPlan(positiveClass: e?.positiveClass.map(PositiveClass.named) ?? .auto, threshold: threshold,
                              bootstrapSamples: e?.bootstrap?.samples ?? ExperimentDefaults.bootstrapSamples,
                              bootstrapSeed: e?.bootstrap?.seed.map(UInt64.init) ?? seed)
    }
}

/// Finds sweep points that resolve to the same experiment: `lr: [0.01, 0.010, 1e-2]` named
/// three points that would train the same network three times.
struct SweepTwins {
    /// The first point's name by its settings (the plan without its name, canonically encoded).
    private var first: [Data: String] = [:]

    mutating func twin(of plan: ExperimentPlan) -> String? {
        var unnamed = plan
        unnamed.name = ""
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let settings = try? encoder.encode(unnamed) else { return nil }
        if let name = first[settings] { return name }
        first[settings] = plan.name
        return nil
    }
}
