// The experiment settings of the format (used by `defaults`, `experiments` and `sweep`).
import MonkVocabulary

extension SpecFormat {
    static let metric = Shape.words(ValidationMetric.self)
    static let mode = Shape.words(MetricMode.self)
    static let weightDecay = Field(name: "weight_decay", shape: .number(.nonNegative),
                                   doc: "L2 weight decay (default: 1e-4 for DenseNets, else 0)")
    static let count = Shape.integer(min: 0, max: 100_000)
    static let epochCount = Shape.integer(min: 1, max: 100_000)

    /// One variant per optimizer of the vocabulary, its "(default: …)"s written from
    /// `OptimizerKind.specDefaults` (which the planner starts from).
    static let optimizer = TaggedShape(
        variants: OptimizerKind.allCases.map { .init(tag: $0.word, fields: optimizerFields($0), doc: $0.summary) },
        defaultTag: OptimizerKind.specDefault.word)

    static func optimizerFields(_ kind: OptimizerKind) -> [Field] {
        let fraction = Shape.number(NumberRange(min: 0, max: 1, maxExclusive: true))
        // A key shared by several optimizers has one description (the JSON Schema merges
        // them), so it names every optimizer's default.
        let lr = Field(name: "lr", shape: .number(.positive),
                       doc: "Initial learning rate (default: \(optimizerDefault { $0.learningRate }))")
        let epsDefault = optimizerDefault {
            switch $0 { case .adam(let c), .adamw(let c): c.eps; case .rmsprop(let c): c.eps; case .sgd: nil }
        }
        let momentumDefault = optimizerDefault {
            switch $0 { case .sgd(let c): c.momentum; case .rmsprop(let c): c.momentum; case .adam, .adamw: nil }
        }
        let eps = Field(name: "eps", shape: .number(.positive), doc: "Term added to the denominator (default: \(epsDefault))")
        let momentum = Field(name: "momentum", shape: fraction, doc: "Momentum (default: \(momentumDefault))")
        switch kind.specDefaults() {
        case .sgd(let d):
            return [lr, momentum,
                    Field(name: "nesterov", shape: .boolean, doc: "Nesterov momentum (default: \(d.nesterov))"), weightDecay]
        case .adam(let d), .adamw(let d):
            return [lr, Field(name: "betas", shape: .list(fraction, minCount: 2, maxCount: 2),
                              doc: "Decay rates of the moment averages (default: [\(docNumber(d.beta1)), \(docNumber(d.beta2))])"),
                    eps, weightDecay]
        case .rmsprop(let d):
            return [lr, Field(name: "alpha", shape: fraction, doc: "Smoothing constant (default: \(docNumber(d.alpha)))"),
                    eps, momentum, weightDecay]
        }
    }

    /// "0.01; 0.001 for adam and adamw": the value of the first optimizer that has the
    /// setting, then the others that differ from it, from `OptimizerKind.specDefaults`.
    static func optimizerDefault(_ value: (OptimizerConfig) -> Double?) -> String {
        var groups: [(value: String, kinds: [String])] = []
        for kind in OptimizerKind.allCases {
            guard let v = value(kind.specDefaults()).map(docNumber) else { continue }
            if let i = groups.firstIndex(where: { $0.value == v }) { groups[i].kinds.append(kind.word) } else { groups.append((v, [kind.word])) }
        }
        return ([groups[0].value] + groups.dropFirst().map { "\($0.value) for \($0.kinds.joined(separator: " and "))" })
            .joined(separator: "; ")
    }

    /// A number as the docs write it: 0 not 0.0, 1e-8 not 1e-08.
    static func docNumber(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return x.description.replacingOccurrences(of: "e-0", with: "e-")
    }

    static let gamma = Field(name: "gamma", shape: .number(NumberRange(min: 0, max: 1, minExclusive: true)), doc:
        "Multiplier of the learning rate (default: "
        + ScheduleKind.allCases.compactMap { k in k.defaultGamma.map { "\(docNumber($0)) for \(k.word)" } }.joined(separator: ", ") + ")")

    /// One variant per schedule of the vocabulary, documented from its defaults.
    static let schedule = TaggedShape(variants: ScheduleKind.allCases.map { kind in
        let fields: [Field]
        switch kind {
        case .fixed: fields = []
        case .step:
            fields = [Field(name: "step_size", shape: epochCount,
                            doc: "Epochs between decays (default: \(ScheduleKind.defaultStepSize))"), gamma]
        case .multistep:
            fields = [Field(name: "milestones", shape: .list(epochCount, minCount: 1, maxCount: 100),
                            doc: "Ascending epochs at which to decay", required: true), gamma]
        case .exponential: fields = [gamma]
        case .cosine:
            fields = [
                Field(name: "t_max", shape: epochCount, doc: "Epochs of the cosine after warm-up (default: epochs - warmup_epochs)"),
                Field(name: "eta_min", shape: .number(.nonNegative), doc: "Final learning rate (default: \(docNumber(ScheduleKind.defaultEtaMin)))"),
                Field(name: "warmup_epochs", shape: count, doc: "Epochs of linear warm-up (default: \(ScheduleKind.defaultWarmupEpochs))"),
            ]
        case .plateau:
            fields = [
                Field(name: "metric", shape: metric, doc: "Watched metric (default: \(PlateauDefaults.metric.word))"),
                Field(name: "mode", shape: mode, doc: "min or max (default: from the metric)"),
                Field(name: "factor", shape: .number(.openUnit), doc: "Multiplier on a plateau (default: \(docNumber(PlateauDefaults.factor)))"),
                Field(name: "patience", shape: count, doc: "Epochs without improvement before reducing (default: \(PlateauDefaults.patience))"),
                Field(name: "threshold", shape: .number(.nonNegative),
                      doc: "Relative improvement that counts (default: \(docNumber(PlateauDefaults.threshold)))"),
                Field(name: "cooldown", shape: count, doc: "Epochs to wait after a reduction (default: \(PlateauDefaults.cooldown))"),
                Field(name: "min_lr", shape: .number(.nonNegative), doc: "Lower bound of the learning rate (default: \(docNumber(PlateauDefaults.minLR)))"),
            ]
        }
        return .init(tag: kind.word, fields: fields, doc: kind.summary)
    }, defaultTag: ScheduleKind.specDefault.word)

    static let classWeights = Field(name: "class_weights",
        shape: .choice([.keyword(["none", "balanced"]), .list(.number(.nonNegative), minCount: 2, maxCount: 10_000)]),
        doc: "none, balanced (from the training counts) or one weight per class in sorted class order (default: none)")

    static let loss = TaggedShape(variants: LossKind.allCases.map { kind in
        switch kind {
        case .cross_entropy:
            .init(tag: kind.word, fields: [
                classWeights,
                Field(name: "label_smoothing", shape: .number(NumberRange(min: 0, max: 1, maxExclusive: true)),
                      doc: "Label smoothing (default: \(docNumber(LossKind.defaultLabelSmoothing)))"),
            ], doc: kind.summary)
        case .binary_cross_entropy: .init(tag: kind.word, fields: [classWeights], doc: kind.summary)
        }
    }, defaultTag: LossKind.specDefault.word)

    static let earlyStopping = ObjectShape(fields: [
        Field(name: "metric", shape: metric, doc: "Watched metric (default: \(EarlyStoppingDefaults.metric.word))"),
        Field(name: "patience", shape: count, doc: "Epochs without improvement before stopping (default: \(EarlyStoppingDefaults.patience))"),
        Field(name: "min_delta", shape: .number(.nonNegative),
              doc: "Smallest change that counts as improvement (default: \(docNumber(EarlyStoppingDefaults.minDelta)))"),
        Field(name: "mode", shape: mode, doc: "min or max (default: from the metric)"),
    ])

    /// "a, b, c or d".
    static func choices(_ words: [String]) -> String {
        words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    static let evaluation = ObjectShape(fields: [
        Field(name: "positive_class", shape: .string(.text),
              doc: "Class counted as positive for sensitivity, specificity and ROC (default: the class not named normal)"),
        Field(name: "threshold", shape: .choice([.number(.openUnit), .keyword(["youden"])]),
              doc: "Probability threshold, or youden to choose it on validation (default: \(docNumber(ExperimentDefaults.threshold)))"),
        Field(name: "bootstrap", shape: .object(ObjectShape(fields: [
            Field(name: "samples", shape: count, doc: "Resamples for the AUC interval; 0 for none (default: \(ExperimentDefaults.bootstrapSamples))"),
            Field(name: "seed", shape: .integer(min: 0, max: Int.max), doc: "Seed of the resampling (default: the experiment seed)"),
        ])), doc: "Bootstrap confidence interval of the AUC"),
    ])

    static let experiment = ObjectShape(fields: [
        Field(name: "model", shape: .words(Architecture.self),
              doc: "Network (default: \(ExperimentDefaults.model.word)); torchvision names such as resnet18 are accepted; `monkpipe models` lists them"),
        Field(name: "pretrained", shape: .choice([.boolean, .string(.path)]),
              doc: "true (the model's published ImageNet weights; an error for models that have none), false (random), or a weights file (default: true, false for tiny_cnn)"),
        Field(name: "freeze_base_network", shape: .boolean, doc: "Train only the new head (default: \(ExperimentDefaults.freezeBaseNetwork))"),
        Field(name: "freeze_layers", shape: count, doc: "Leading layers kept fixed (default: \(ExperimentDefaults.freezeLayers))"),
        Field(name: "unfreeze_after_epochs", shape: epochCount,
              doc: "With freeze_base_network or freeze_layers: epochs trained frozen, after which every layer trains (default: frozen to the end)"),
        Field(name: "epochs", shape: epochCount, doc: "Training epochs (default: \(ExperimentDefaults.epochs))"),
        Field(name: "optimizer", shape: .tagged(optimizer), doc: "\(choices(OptimizerKind.words)), with settings (default: \(OptimizerKind.specDefault.word))"),
        Field(name: "lr_schedule", shape: .tagged(schedule), doc: "Learning-rate schedule (default: \(ScheduleKind.specDefault.word), gamma \(docNumber(ScheduleKind.specDefault.defaultGamma ?? 1)) every \(ScheduleKind.defaultStepSize == 1 ? "epoch" : "\(ScheduleKind.defaultStepSize) epochs"))"),
        Field(name: "loss", shape: .tagged(loss), doc: "Training loss (default: \(LossKind.specDefault.word))"),
        Field(name: "early_stopping", shape: .choice([.falseOnly, .object(earlyStopping)]),
              doc: "false, or settings for stopping when validation stops improving (default: false)"),
        Field(name: "test_checkpoint", shape: .words(CheckpointChoice.self),
              doc: "Weights the test stage uses: best (on validation) or final (default: \(ExperimentDefaults.testCheckpoint.word))"),
        Field(name: "best_metric", shape: metric,
              doc: "Validation metric that picks the best checkpoint: val_loss, val_accuracy or val_auc (default: early_stopping's metric, else \(ExperimentDefaults.bestMetric.rawValue))"),
        Field(name: "evaluation", shape: .object(evaluation), doc: "Test metrics settings"),
        Field(name: "seed", shape: .integer(min: 0, max: Int.max), doc: "Seed of this experiment (default: the project seed)"),
    ], definition: "experiment")
}
