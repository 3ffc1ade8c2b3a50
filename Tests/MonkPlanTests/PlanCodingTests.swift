// The plan's JSON: readable (no Swift `_0` keys), exact for a few values written out by
// hand, and every case of every enum decodes back to itself.
import Testing
import Foundation
@testable import MonkPlan
import MonkVocabulary

@Suite struct PlanCodingTests {
    func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func roundTrips<T: Codable & Equatable>(_ values: [T]) throws -> Bool {
        try values.allSatisfy { try JSONDecoder().decode(T.self, from: JSONEncoder().encode($0)) == $0 }
    }

    /// The `config` of a real experiment-state.json written before `best_metric` existed (the
    /// study's r0_first_recipe, trained 2026-12-06 by monkpipe 6ff97f2): it still reads, as the
    /// validation-accuracy choice those versions made, and a current plan round-trips.
    @Test func planRecordedBeforeBestMetricStillReads() throws {
        let old = #"{"epochs": 2, "evaluation": {"bootstrapSamples": 1000, "bootstrapSeed": 2024, "positiveClass": {"named": "PNEUMONIA"}, "threshold": {"fixed": 0.5}}, "freezeBaseNetwork": false, "freezeLayers": 0, "loss": {"crossEntropy": {"classWeights": "balanced", "labelSmoothing": 0.1}}, "lrSchedule": {"cosine": {"etaMin": 0, "tMax": 2, "warmupEpochs": 0}}, "model": "efficientnet_lite0", "name": "r0_first_recipe", "optimizer": {"sgd": {"lr": 0.01, "momentum": 0.9, "nesterov": false, "weightDecay": 0}}, "pretrained": {"file": "/work/shared/weights/efficientnet-lite0-57934424.pth"}, "seed": 2024, "testCheckpoint": "best"}"#
        let plan = try JSONDecoder().decode(ExperimentPlan.self, from: Data(old.utf8))
        #expect(plan.bestMetric == .val_accuracy)
        #expect(plan.name == "r0_first_recipe" && plan.epochs == 2 && plan.earlyStopping == nil)
        var current = plan
        current.bestMetric = .val_auc
        #expect(try roundTrips([plan, current]))
    }

    @Test func readableEncodings() throws {
        #expect(try json(OptimizerConfig.sgd(SGDConfig(lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0)))
                == #"{"sgd":{"lr":0.01,"momentum":0.9,"nesterov":false,"weightDecay":0}}"#)
        #expect(try json([ThreadCount.auto, .fixed(2)]) == #"["auto",2]"#)
        #expect(try json([LRSchedule.fixed, .step(stepSize: 1, gamma: 0.5)]) == #"["fixed",{"step":{"gamma":0.5,"stepSize":1}}]"#)
        #expect(try json([Pretrained.none, .imagenet, .file(path: "/w.bin")]) == #"["none","imagenet",{"file":"/w.bin"}]"#)
        #expect(try json([ThresholdChoice.youden, .fixed(0.5)]) == #"["youden",{"fixed":0.5}]"#)
        #expect(try json([PositiveClass.auto, .named("PNEUMONIA")]) == #"["auto",{"named":"PNEUMONIA"}]"#)
        #expect(try json([ClassWeights.none, .balanced, .explicit([1, 3])]) == #"["none","balanced",[1,3]]"#)
        #expect(try json([DatasetSource.folder(path: "/d")]) == #"[{"folder":"/d"}]"#)
    }

    @Test func everyEnumCaseRoundTrips() throws {
        let adam = AdamConfig(lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0)
        #expect(try roundTrips([OptimizerConfig.sgd(SGDConfig(lr: 0.1, momentum: 0, nesterov: true, weightDecay: 1e-4)),
                                .adam(adam), .adamw(adam),
                                .rmsprop(RMSpropConfig(lr: 0.01, alpha: 0.99, eps: 1e-8, momentum: 0, weightDecay: 0))]))
        #expect(try roundTrips([LRSchedule.fixed, .step(stepSize: 2, gamma: 0.5), .multistep(milestones: [2, 4], gamma: 0.1),
                                .exponential(gamma: 0.9), .cosine(tMax: 8, etaMin: 0.001, warmupEpochs: 2),
                                .plateau(PlateauSettings(metric: .val_accuracy, mode: .max, factor: 0.5, patience: 1,
                                                         threshold: 0, cooldown: 0, minLR: 0))]))
        #expect(try roundTrips([DatasetSource.folder(path: "/a"),
                                .csv(CSVSource(file: "/a.csv", root: "/", delimiter: ";", imageColumn: "i", labelColumn: "l"))]))
        #expect(try roundTrips([ValidationSource.folder(path: "/v"),
                                .split(SplitPlan(fraction: 0.3, stratified: true, groupBy: "^(p)", seed: 1))]))
        #expect(try roundTrips([Pretrained.none, .imagenet, .file(path: "/w")]))
        #expect(try roundTrips([ThreadCount.auto, .fixed(3)]))
        #expect(try roundTrips([ClassWeights.none, .balanced, .explicit([0.5, 2])]))
        #expect(try roundTrips([PositiveClass.auto, .named("auto ")]))
        #expect(try roundTrips([ThresholdChoice.youden, .fixed(0.25)]))
    }

    @Test func wholePlansRoundTripWithoutSwiftInternalKeys() throws {
        for text in [SourceOfTruthTests.everyKey, try String(contentsOfFile: repositoryRoot + "/examples/sweep.yaml", encoding: .utf8)] {
            let p = try PlanLoader.plan(text: text, specDirectory: "/s")
            #expect(try JSONDecoder().decode(Plan.self, from: JSONEncoder().encode(p)) == p)
            #expect(!(try json(p)).contains("\"_0\""))
        }
    }
}
