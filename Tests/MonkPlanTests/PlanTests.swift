// Defaults, overrides and determinism of Spec → Plan.
import Testing
import Foundation
@testable import MonkPlan
import MonkVocabulary

@Suite struct PlanTests {
    @Test func minimalSpecGetsMonksQuickModeDefaults() throws {
        let p = try #require(plan(minimal))
        #expect(p.project == "p")
        #expect(p.workspace == "/specs/workspace")
        #expect(p.seed == 0 && p.threads == .auto)
        let imagenet = Transform.normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
        #expect(p.data == DataPlan(
            train: .folder(path: "/specs/data/train"),
            validation: .split(SplitPlan(fraction: 0.3, stratified: true, groupBy: nil, seed: 0)),
            test: nil, inputSize: 224, batchSize: 4, workers: .auto, color: .rgb,
            trainTransforms: [.resize(size: 224), .horizontalFlip(probability: 0.5), imagenet],
            evalTransforms: [.resize(size: 224), imagenet], onBadImage: .fail))
        #expect(p.experiments == [ExperimentPlan(
            name: "default", model: .resnet18_v1, pretrained: .imagenet, freezeBaseNetwork: false, freezeLayers: 0,
            epochs: 10, optimizer: .sgd(SGDConfig(lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0)),
            lrSchedule: .step(stepSize: 1, gamma: 0.98), loss: .crossEntropy(classWeights: .none, labelSmoothing: 0),
            earlyStopping: nil, testCheckpoint: .best,
            evaluation: EvaluationPlan(positiveClass: .auto, threshold: .fixed(0.5), bootstrapSamples: 1000, bootstrapSeed: 0),
            seed: 0)])
        #expect(p.comparison == ComparisonPlan(name: "p", experiments: ["default"]))
    }

    // The acquisition-nuisance transforms: bare names take the documented defaults.
    @Test func nuisanceTransforms() throws {
        let p = try #require(plan(minimal + "  train_transforms: [resize, gaussian_blur, random_gamma, jpeg_quality, "
            + "{gaussian_blur: {sigma: [0.5, 1.5], p: 0.2}}, {random_gamma: {gamma: [0.8, 1.25]}}, {jpeg_quality: {quality: [25, 60], p: 1}}]\n"))
        #expect(p.data.trainTransforms == [
            .resize(size: 224),
            .gaussianBlur(sigma: ClosedInterval(0.1, 2.0), probability: 0.5),
            .randomGamma(gamma: ClosedInterval(0.7, 1.5), probability: 0.5),
            .jpegQuality(quality: ClosedInterval(30, 95), probability: 0.5),
            .gaussianBlur(sigma: ClosedInterval(0.5, 1.5), probability: 0.2),
            .randomGamma(gamma: ClosedInterval(0.8, 1.25), probability: 0.5),
            .jpegQuality(quality: ClosedInterval(25, 60), probability: 1),
        ])
        // Out-of-range numbers are the format's errors; a reversed range is the planner's.
        #expect(planErrors(minimal + "  train_transforms: [resize, {gaussian_blur: {sigma: [0, 1]}}, {jpeg_quality: {quality: [0, 50]}}]\n").count == 2)
        let reversed = planErrors(minimal + "  train_transforms: [resize, {jpeg_quality: {quality: [60, 25]}}]\n")
        #expect(reversed.count == 1 && reversed.first?.message.contains("quality is a [low, high] range") == true)
    }

    // equalize takes no settings: bare, or an empty mapping; anything else is the format's error.
    @Test func equalizeIsBare() throws {
        let p = try #require(plan(minimal + "  train_transforms: [equalize, resize, normalize]\n  eval_transforms: [{equalize: {}}, resize, normalize]\n"))
        #expect(p.data.trainTransforms.first == .equalize && p.data.evalTransforms.first == .equalize)
        #expect(p.data.evalTransforms.count == 3)
        let errors = planErrors(minimal + "  eval_transforms: [{equalize: 3}, resize, normalize]\n")
        #expect(errors.count == 1 && errors.first?.keyPath.contains("eval_transforms") == true, "\(errors)")
    }

    @Test func defaultsThatDependOnTheModel() throws {
        let p = try #require(plan(minimal + "experiments:\n  d: {model: densenet121}\n  t: {model: tiny_cnn}\n  r: {model: resnet50}\n"))
        #expect(p.experiments.map(\.name) == ["d", "r", "t"])
        // Monk's DenseNet quick mode uses weight decay 1e-4; tiny_cnn has no published weights.
        #expect(p.experiments[0].optimizer == .sgd(SGDConfig(lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 1e-4)))
        #expect(p.experiments[1].model == .resnet50_v1)      // torchvision alias
        #expect(p.experiments[2].pretrained == Pretrained.none)
    }

    @Test func experimentsOverrideDefaultsKeyByKey() throws {
        let text = minimal + """
            defaults:
              epochs: 7
              optimizer: {type: sgd, lr: 0.1, momentum: 0.5}
              lr_schedule: {type: plateau, metric: val_accuracy}
            experiments:
              same_type: {optimizer: {lr: 0.2}}
              new_type: {optimizer: {type: adam, betas: [0.8, 0.9]}}
              bare_word: {optimizer: rmsprop, epochs: 3}

            """
        let p = try #require(plan(text))
        let byName = Dictionary(uniqueKeysWithValues: p.experiments.map { ($0.name, $0) })
        #expect(byName["same_type"]?.optimizer == .sgd(SGDConfig(lr: 0.2, momentum: 0.5, nesterov: false, weightDecay: 0)))
        // A new `type` starts from that optimizer's defaults, not from sgd's settings.
        #expect(byName["new_type"]?.optimizer == .adam(AdamConfig(lr: 0.001, beta1: 0.8, beta2: 0.9, eps: 1e-8, weightDecay: 0)))
        #expect(byName["bare_word"]?.optimizer == .rmsprop(RMSpropConfig(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, weightDecay: 0)))
        #expect(byName["bare_word"]?.epochs == 3 && byName["same_type"]?.epochs == 7)
        // val_accuracy improves upwards, so the plateau mode defaults to max.
        #expect(byName["new_type"]?.lrSchedule == .plateau(PlateauSettings(
            metric: .val_accuracy, mode: .max, factor: 0.1, patience: 2, threshold: 1e-4, cooldown: 0, minLR: 0)))
    }

    @Test func scheduleLossAndEvaluationSettings() throws {
        let text = minimal + """
            defaults:
              epochs: 12
              lr_schedule: {type: cosine, warmup_epochs: 2, eta_min: 0.0001}
              loss: {type: cross_entropy, class_weights: [1.0, 0.35], label_smoothing: 0.1}
              early_stopping: {metric: val_accuracy, patience: 4}
              test_checkpoint: final
              evaluation: {positive_class: PNEUMONIA, threshold: youden, bootstrap: {samples: 500, seed: 9}}

            """
        let e = try #require(plan(text)?.experiments.first)
        #expect(e.lrSchedule == .cosine(tMax: 10, etaMin: 0.0001, warmupEpochs: 2))   // 12 epochs − 2 warm-up
        #expect(e.loss == .crossEntropy(classWeights: .explicit([1.0, 0.35]), labelSmoothing: 0.1))
        #expect(e.earlyStopping == EarlyStopping(metric: .val_accuracy, patience: 4, minDelta: 0, mode: .max))
        #expect(e.testCheckpoint == .final)
        #expect(e.evaluation == EvaluationPlan(positiveClass: .named("PNEUMONIA"), threshold: .youden,
                                               bootstrapSamples: 500, bootstrapSeed: 9))
    }

    @Test func samTextGivesTheSamePlanAndBytes() throws {
        let text = try String(contentsOfFile: repositoryRoot + "/pipelines/quickstart.yaml", encoding: .utf8)
        let a = try PlanLoader.plan(text: text, specDirectory: "/x")
        let b = try PlanLoader.plan(text: text, specDirectory: "/x")
        #expect(a == b)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(a) == encoder.encode(b))
    }

    @Test func keyOrderCommentsAndLayoutDoNotChangeThePlan() throws {
        let one = """
            project: p
            seed: 3
            data: {train: t, input_size: 64, eval_transforms: [resize, normalize]}
            experiments:
              b: {model: densenet121, optimizer: {type: adam, lr: 0.001}}
              a: {epochs: 2}
            """
        let two = """
            # the same spec, written differently
            experiments:
              a:
                epochs: 2      # short
              b:
                optimizer:
                  lr: 0.001
                  type: adam
                model: densenet121
            data:
              eval_transforms:
                - resize
                - normalize
              input_size: 64
              train: ./t
            seed: 3
            project: p
            """
        let a = try #require(plan(one)), b = try #require(plan(two))
        #expect(a == b)
        #expect(a.experiments.map(\.name) == ["a", "b"])
    }
}
