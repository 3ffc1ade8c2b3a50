// The format description, the Codable Spec and the docs say the same thing: a document
// using every key survives validation → Spec → JSON unchanged, and the README names every key.
import Testing
import Foundation
@testable import MonkPlan
import MonkVocabulary

@Suite struct SourceOfTruthTests {
    /// Uses every key of the format at least once.
    static let everyKey = """
        project: p
        workspace: ws
        seed: 1
        threads: 2
        data:
          train: {csv: a.csv, root: r, delimiter: ";", image_column: f, label_column: l}
          val: {fraction: 0.2, stratified: false, group_by: '^(p\\d+)', seed: 3}
          test: t
          input_size: 32
          batch_size: 8
          workers: auto
          color: grayscale
          train_transforms:
            - resize: 40
            - center_crop
            - random_resized_crop: {size: 32, scale: [0.5, 1.0], ratio: [0.8, 1.2]}
            - random_crop: {size: 32, padding: 2}
            - horizontal_flip: 0.5
            - vertical_flip
            - random_rotation: 5
            - color_jitter: {brightness: 0.1, contrast: 0.2}
            - gaussian_blur: {sigma: [0.2, 1.0], p: 0.3}
            - random_gamma: {gamma: [0.8, 1.2], p: 0.4}
            - jpeg_quality: {quality: [40, 90], p: 0.2}
            - normalize: {mean: [0.5], std: [0.2]}
          eval_transforms: [{random_crop: {size: 32}}, {normalize: {mean: [0.5], std: [0.2]}}]
          on_bad_image: skip
          limit: 0.5
        defaults:
          model: resnet18
          pretrained: w.bin
          freeze_base_network: true
          freeze_layers: 2
          epochs: 3
          optimizer: {type: rmsprop, lr: 0.1, alpha: 0.9, eps: 0.001, momentum: 0.5, weight_decay: 0.01}
          lr_schedule: {type: plateau, metric: val_accuracy, mode: max, factor: 0.5, patience: 1, threshold: 0.01, cooldown: 1, min_lr: 0.0001}
          loss: {type: cross_entropy, class_weights: [1, 2], label_smoothing: 0.1}
          early_stopping: {metric: val_loss, patience: 2, min_delta: 0.01, mode: min}
          test_checkpoint: final
          evaluation: {positive_class: B, threshold: youden, bootstrap: {samples: 10, seed: 4}}
          seed: 5
        experiments:
          a: {optimizer: {type: sgd, nesterov: true}, lr_schedule: {type: step, step_size: 2, gamma: 0.5}}
          b: {optimizer: {type: adam, betas: [0.8, 0.9]}, lr_schedule: {type: multistep, milestones: [1, 2]}}
          c: {lr_schedule: {type: cosine, t_max: 2, eta_min: 0, warmup_epochs: 1}, loss: binary_cross_entropy}
          d: {lr_schedule: {type: exponential}, early_stopping: false}
        sweep:
          optimizer.lr: [0.1]
        comparison: {name: cmp, experiments: [a-lr0.1, b-lr0.1]}

        """

    /// JSON numbers do not remember whether they were written 1 or 1.0.
    func normalized(_ v: SpecValue) -> SpecValue {
        switch v {
        case .int(let i): return .double(Double(i))
        case .list(let l): return .list(l.map(normalized))
        case .object(let o): return .object(o.mapValues(normalized))
        default: return v
        }
    }

    @Test func specTypesHoldEveryKeyOfTheFormat() throws {
        let root = try #require(YAMLComposer.compose(Self.everyKey).node)
        var validator = ShapeValidator(mode: .partial)
        let checked = validator.check(root, .object(SpecFormat.root))
        let validated = try #require(checked)
        #expect(validator.errors.isEmpty)
        let spec = try validated.decode(Spec.self)
        let roundTrip = try JSONDecoder().decode(SpecValue.self, from: JSONEncoder().encode(spec))
        #expect(normalized(roundTrip) == normalized(validated))
        // And the whole document plans.
        #expect(planErrors(Self.everyKey) == [])
        #expect(plan(Self.everyKey)?.experiments.map(\.name) == ["a-lr0.1", "b-lr0.1", "c-lr0.1", "d-lr0.1"])
    }

    @Test func readmeDocumentsEveryKey() throws {
        let readme = try String(contentsOfFile: repositoryRoot + "/examples/README.md", encoding: .utf8)
        var names = Set(SpecFormat.root.dottedPaths().map { String($0.path.split(separator: ".").last!) })
        names.formUnion(TransformSpec.Name.allCases.map(\.rawValue))
        names.formUnion(Architecture.words + OptimizerKind.allCases.map(\.rawValue)
                        + ScheduleKind.allCases.map(\.rawValue) + LossKind.allCases.map(\.rawValue))
        let missing = names.filter { !readme.contains($0) }.sorted()
        #expect(missing.isEmpty, "examples/README.md does not mention \(missing)")
    }
}
