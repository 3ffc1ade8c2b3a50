// Cache keys cannot forget a setting: every stored property of the plan types is in some
// stage's key or listed, with a reason, as affecting no result; every nested value encodes
// all of its properties; and the exclusions behave as their reasons say.
import Foundation
import Testing
@testable import MonkPipeline
import MonkVocabulary

@Suite struct KeyScopeTests {
    static func plan(_ spec: String = PlanKeyGoldenTests.spec) throws -> Plan {
        try PlanLoader.plan(text: spec, specDirectory: "/project")
    }

    static func stages(_ plan: Plan) -> [PlannedStage] {
        StageGraph.build(plan, external: ExternalDigests(dataFiles: String(repeating: "d", count: 64),
                                                         weights: ["/project/w.pth": String(repeating: "e", count: 64)]))
    }

    static func labels(_ value: Any) -> [String] { Mirror(reflecting: value).children.compactMap(\.label) }

    @Test func everyPlanPropertyIsInAKeyOrListedWithAReason() throws {
        let plan = try Self.plan()
        let stages = Self.stages(plan)
        func inputs(_ kinds: Set<StageKind>) -> Set<String> {
            Set(stages.filter { kinds.contains($0.kind) }.flatMap(\.inputs.digests.keys))
        }
        // Plan.data and Plan.experiments are checked property by property below; the plan's
        // own properties can only reach compare (train and test read experiments and data).
        let types: [(name: String, value: Any, prefix: String, kinds: Set<StageKind>, decomposed: Set<String>)] = [
            ("Plan", plan, "", [.compare], ["data", "experiments"]),
            ("DataPlan", plan.data, "data.", Set(StageKind.allCases), []),
            ("ExperimentPlan", plan.experiments[0], "", [.train, .test], []),
        ]
        for type in types {
            let listed = KeyScope.noEffect[type.name] ?? [:]
            let names = inputs(type.kinds)
            for child in Mirror(reflecting: type.value).children {
                guard let label = child.label, !type.decomposed.contains(label) else { continue }
                // Left out while absent (KeyScope.absentLeavesKey); `absentPropertiesStayOutOfKeys` checks them set.
                if KeyScope.absentLeavesKey.contains(label) && StageInputs.isAbsent(child.value) { continue }
                let inAKey = names.contains(type.prefix + StageInputs.specName(label))
                #expect(inAKey != (listed[label] != nil),
                        "\(type.name).\(label) must be in exactly one of: a stage key, KeyScope.noEffect")
                if let reason = listed[label] { #expect(reason.count > 20, "\(type.name).\(label): give a reason") }
            }
        }
    }

    /// `data.limit` and `unfreeze_after_epochs`, added after the keys were pinned: absent, no
    /// key has them (the golden keys hold); `data.limit` set, the load key has it and the
    /// train key reaches it through 'upstream load'.
    @Test func absentPropertiesStayOutOfKeys() throws {
        let plan = try Self.plan()
        let labels = Set(Self.labels(plan.data)).union(Self.labels(plan.experiments[0]))
        #expect(KeyScope.absentLeavesKey.isSubset(of: labels))
        let without = Self.stages(try Self.plan())
        #expect(!without.contains { $0.inputs.digests.keys.contains("data.limit") })
        let limited = Self.stages(try Self.plan(PlanKeyGoldenTests.spec.replacingOccurrences(of: "  batch_size: 8\n", with: "  batch_size: 8\n  limit: 40\n")))
        #expect(limited.first { $0.kind == .load }?.inputs.digests.keys.contains("data.limit") == true)
        #expect(limited.filter { $0.kind != .load }.allSatisfy { !$0.inputs.digests.keys.contains("data.limit") })
        #expect(limited.first { $0.kind == .load }?.key != without.first { $0.kind == .load }?.key)
    }

    /// `unfreeze_after_epochs` set enters the train key (and test through it), not load's.
    @Test func unfreezingEntersTheTrainKeyWhenSet() throws {
        let without = Self.stages(try Self.plan())
        #expect(!without.contains { $0.inputs.digests.keys.contains("unfreeze_after_epochs") })
        let spec = PlanKeyGoldenTests.spec.replacingOccurrences(of: "  epochs: 2\n", with: "  epochs: 2\n  freeze_base_network: true\n")
        let frozen = Self.stages(try Self.plan(spec))
        let unfrozen = Self.stages(try Self.plan(spec.replacingOccurrences(of: "  freeze_base_network: true\n", with: "  freeze_base_network: true\n  unfreeze_after_epochs: 1\n")))
        let train = { (s: [PlannedStage]) in s.first { $0.kind == .train }! }
        #expect(train(unfrozen).inputs.digests.keys.contains("unfreeze_after_epochs"))
        #expect(train(unfrozen).key != train(frozen).key)
        #expect(unfrozen.first { $0.kind == .load }?.key == frozen.first { $0.kind == .load }?.key)
    }

    @Test func everyListedNameIsAProperty() throws {
        let plan = try Self.plan()
        let experiment = Set(Self.labels(plan.experiments[0])), data = Set(Self.labels(plan.data))
        #expect(Set(KeyScope.noEffect.keys) == ["Plan", "DataPlan", "ExperimentPlan"])
        #expect(Set(KeyScope.noEffect["Plan"]!.keys).isSubset(of: Self.labels(plan)))
        #expect(Set(KeyScope.load.keys).isSubset(of: data))
        #expect(Set(KeyScope.trainData.keys).isSubset(of: data))
        #expect(Set(KeyScope.trainExperiment.keys).isSubset(of: experiment))
        #expect(KeyScope.testExperiment.isSubset(of: experiment))
    }

    /// Engine-only settings the spec cannot set, written only when not at their default so
    /// plans keep the keys they had before the optimizers were shared with the engine (still
    /// canonical: the default is the only value left out, like an absent optional).
    static let writtenWhenSet: [String: Set<String>] = ["SGDConfig": ["dampening"], "RMSpropConfig": ["centered"]]

    @Test func engineOnlySettingsAreWrittenWhenSet() throws {
        func json(_ c: OptimizerConfig) throws -> String { String(decoding: try JSONEncoder().encode(c), as: UTF8.self) }
        #expect(try json(.sgd(SGDConfig(lr: 0.1, dampening: 0.5))).contains("dampening"))
        #expect(try json(.rmsprop(RMSpropConfig(centered: true))).contains("centered"))
        #expect(try json(.sgd(SGDConfig(lr: 0.1))) != json(.sgd(SGDConfig(lr: 0.1, dampening: 0.5))))
    }

    /// A value's canonical encoding (what is digested) must hold every stored property of
    /// every struct inside it: a hand-written `encode(to:)` that leaves one out would make the
    /// keys blind to it.
    @Test func everyNestedStructEncodesEveryProperty() throws {
        var checked = Set<String>()
        func visit(_ value: Any) {
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .struct, let encodable = value as? any Encodable {
                let data = try! JSONEncoder().encode(encodable)
                let object = try! JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
                let keys = Set(object?.keys.map { $0 } ?? [])
                // Synthesised Codable leaves out an absent optional; that is no loss (absent
                // and present still digest differently), so only present values must appear.
                let properties = Set(mirror.children.compactMap { child -> String? in
                    let inner = Mirror(reflecting: child.value)
                    return inner.displayStyle == .optional && inner.children.isEmpty ? nil : child.label
                })
                let optional = Self.writtenWhenSet["\(type(of: value))"] ?? []
                #expect(properties.subtracting(optional).isSubset(of: keys), "\(type(of: value)) encodes \(keys.sorted()), has \(properties.sorted())")
                checked.insert("\(type(of: value))")
            }
            for child in mirror.children { visit(child.value) }
        }
        let plan = try Self.plan()
        visit(plan)
        visit(try Self.plan(SpecCoverage.everySetting))
        // The plan types with nested settings were all reached.
        for name in ["Plan", "DataPlan", "ExperimentPlan", "SplitPlan", "EvaluationPlan", "ComparisonPlan",
                     "SGDConfig", "AdamConfig", "RMSpropConfig", "PlateauSettings", "EarlyStopping",
                     "ClosedInterval", "CSVSource"] {
            #expect(checked.contains(name), "\(name) was not reached")
        }
    }

    func keys(_ plan: Plan) -> [String: String] {
        Dictionary(uniqueKeysWithValues: Self.stages(plan).map { ($0.identity, $0.key.hex) })
    }

    /// The reasons in KeyScope, checked: threads, workers and the workspace change no key;
    /// test settings change only test keys; the transforms' cached part changes load's key.
    @Test func exclusionsBehaveAsTheirReasonsSay() throws {
        let base = try Self.plan()
        var p = base
        p.threads = .fixed(7)
        p.data.workers = .fixed(3)
        p.workspace = "/elsewhere"
        p.seed = 99
        #expect(keys(p) == keys(base))

        p = base
        p.experiments[0].evaluation.threshold = .fixed(0.3)
        p.experiments[0].testCheckpoint = .final
        let changed = keys(p).filter { keys(base)[$0.key] != $0.value }.keys.sorted()
        #expect(changed == ["compare/cmp", "test/a"])

        // The pixel cache's size follows the first resize: load reads it, so its key moves.
        p = base
        p.data.evalTransforms[0] = .resize(size: 40)
        p.data.trainTransforms.insert(.resize(size: 40), at: 0)
        #expect(keys(p)["load"] != keys(base)["load"])
        p = base
        p.data.batchSize = 16
        #expect(keys(p)["load"] == keys(base)["load"] && keys(p)["train/a"] != keys(base)["train/a"])
    }
}

/// A spec that sets the settings the golden spec leaves out (CSV sources, a validation
/// folder, rmsprop, plateau, explicit class weights), so that every nested plan type appears.
enum SpecCoverage {
    static let everySetting = """
        project: cover
        data:
          train: {csv: labels.csv, delimiter: ";"}
          val: {fraction: 0.3}
          test: {csv: test.csv}
          input_size: 16
          train_transforms: [resize, {random_resized_crop: 16}, {random_crop: {size: 16, padding: 1}}, vertical_flip, {random_rotation: 3}, {color_jitter: {brightness: 0.1}}, center_crop, normalize]
        defaults:
          model: tiny_cnn
          pretrained: false
          optimizer: {type: rmsprop}
          lr_schedule: {type: plateau}
          loss: {type: cross_entropy, class_weights: [1, 2]}
          early_stopping: {patience: 2}
        experiments:
          r: {}
          s: {optimizer: {type: sgd}, lr_schedule: fixed}
          a: {optimizer: adam, loss: binary_cross_entropy, evaluation: {positive_class: B}}

        """
}
