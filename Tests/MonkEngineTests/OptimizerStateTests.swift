// Saving an optimizer mid-run and restoring it continues with exactly the bits of an
// uninterrupted run, through both JSON and the binary snapshot archive.
import Foundation
import Testing
@testable import MonkEngine
import MonkVocabulary

@Suite struct OptimizerStateTests {
    static let configs: [OptimizerConfig] = [
        .sgd(SGDConfig(lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)),
        .adam(AdamConfig(lr: 0.01, weightDecay: 0.1)),
        .adamw(AdamConfig(lr: 0.01, weightDecay: 0.1)),
        .rmsprop(RMSpropConfig(lr: 0.01, alpha: 0.9, momentum: 0.8, centered: true)),
    ]

    enum Route: CaseIterable { case json, archive }

    func feed(_ opt: inout Optimizer, _ p: Parameter, _ grads: ArraySlice<[Float]>) throws {
        for g in grads {
            for i in 0..<3 { p.grad[i] = g[i] }
            try opt.step([("w", p)])
        }
    }

    @Test(arguments: configs, Route.allCases)
    func resumeIsBitIdentical(_ config: OptimizerConfig, _ route: Route) throws {
        let straight = Parameter(Tensor(shape: [3], values: optimizerStart))
        var a = try Optimizer(config)
        a.learningRate = 0.02  // a schedule-set rate must survive the round trip too
        try feed(&a, straight, optimizerGrads[...])

        let resumed = Parameter(Tensor(shape: [3], values: optimizerStart))
        var b = try Optimizer(config)
        b.learningRate = 0.02
        try feed(&b, resumed, optimizerGrads.prefix(2))
        let saved: OptimizerState
        switch route {
        case .json: saved = try JSONDecoder().decode(OptimizerState.self, from: JSONEncoder().encode(b.state))
        case .archive: saved = try SnapshotArchive.decode(OptimizerState.self, from: SnapshotArchive.encode(b.state))
        }
        #expect(saved == b.state)
        var c = try Optimizer(restoring: saved)
        try feed(&c, resumed, optimizerGrads.dropFirst(2))

        #expect(straight.value.array.map(\.bitPattern) == resumed.value.array.map(\.bitPattern))
        #expect(c.state == a.state)
        #expect(c.stepCount == 4)
    }

    @Test func restoredStateMustFitTheParameter() throws {
        var opt = try Optimizer(.sgd(SGDConfig(lr: 0.1, momentum: 0.9)))
        let small = Parameter(Tensor(shape: [2]))
        try opt.step([("w", small)])
        var restored = try Optimizer(restoring: opt.state)
        let big = Parameter(Tensor(shape: [3], values: [1, 2, 3]))
        #expect(throws: OptimizerError.stateMismatch(parameter: "w", expected: 3, found: 2)) {
            try restored.step([("w", big)])
        }
        #expect(big.value.array == [1, 2, 3])
    }

    /// The plan's readable form, `{"<kind>": {settings}}`, with the engine-only settings
    /// (dampening, centered) written only when used, so plans hash as they always did.
    @Test func configEncodesByKindAndDecodesBack() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        func json(_ c: OptimizerConfig) throws -> String { String(decoding: try encoder.encode(c), as: UTF8.self) }
        let configs: [OptimizerConfig] = [
            .adamw(AdamConfig(lr: 0.001, weightDecay: 0.01)), .sgd(SGDConfig(lr: 0.1, momentum: 0.9)),
            .sgd(SGDConfig(lr: 0.1, momentum: 0.9, dampening: 0.5)), .rmsprop(RMSpropConfig(lr: 0.01, centered: true)),
        ]
        #expect(try json(configs[0]) == #"{"adamw":{"beta1":0.9,"beta2":0.999,"eps":1e-08,"lr":0.001,"weightDecay":0.01}}"#)
        #expect(try json(configs[1]) == #"{"sgd":{"lr":0.1,"momentum":0.9,"nesterov":false,"weightDecay":0}}"#)
        #expect(try json(configs[2]).contains(#""dampening":0.5"#))
        #expect(try json(configs[3]).contains(#""centered":true"#))
        #expect(try !json(.rmsprop(RMSpropConfig(lr: 0.01))).contains("centered"))
        for c in configs { #expect(try JSONDecoder().decode(OptimizerConfig.self, from: Data(json(c).utf8)) == c) }
    }

    /// Resume files written before the optimizers moved into MonkVocabulary hold the engine's
    /// old flat form (these are its bytes: `{"kind": …}` and every field of the old struct).
    @Test func legacyFlatConfigsStillDecode() throws {
        func decode(_ text: String) throws -> OptimizerConfig { try JSONDecoder().decode(OptimizerConfig.self, from: Data(text.utf8)) }
        #expect(try decode(#"{"kind":"adamW","lr":0.001,"beta1":0.9,"beta2":0.999,"eps":1e-08,"weightDecay":0.01}"#)
                == .adamw(AdamConfig(lr: 0.001, weightDecay: 0.01)))
        #expect(try decode(#"{"kind":"rmsProp","lr":0.01,"alpha":0.9,"eps":1e-08,"momentum":0.8,"centered":true,"weightDecay":0}"#)
                == .rmsprop(RMSpropConfig(lr: 0.01, alpha: 0.9, momentum: 0.8, centered: true)))
        #expect(try decode(#"{"kind":"sgd","lr":0.1,"momentum":0.9,"dampening":0,"nesterov":true,"weightDecay":0.01}"#)
                == .sgd(SGDConfig(lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)))
        #expect(throws: DecodingError.self) { try decode(#"{"kind":"lbfgs","lr":1}"#) }
    }
}
