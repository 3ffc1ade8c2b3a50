// Saving an optimizer mid-run and restoring it continues with exactly the bits of an
// uninterrupted run, through both JSON and the binary snapshot archive.
import Foundation
import Testing
@testable import MonkEngine

@Suite struct OptimizerStateTests {
    static let configs: [OptimizerConfig] = [
        .sgd(SGDConfig(lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)),
        .adam(AdamConfig(lr: 0.01, weightDecay: 0.1)),
        .adamW(AdamConfig(lr: 0.01, weightDecay: 0.1)),
        .rmsProp(RMSPropConfig(lr: 0.01, alpha: 0.9, momentum: 0.8, centered: true)),
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

    @Test func configEncodesFlatAndDecodesBack() throws {
        let config = OptimizerConfig.adamW(AdamConfig(lr: 0.001, weightDecay: 0.01))
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        #expect(json.contains("\"kind\":\"adamW\""))
        #expect(try JSONDecoder().decode(OptimizerConfig.self, from: Data(json.utf8)) == config)
    }
}
