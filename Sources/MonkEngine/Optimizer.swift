// The optimizer: one flat loop over named parameters, applying a per-parameter update rule
// with lazily created state, as in torch.optim and mlx-swift's optimizers.
import MonkVocabulary

/// Per-parameter optimizer state, created on the parameter's first update. Which buffers
/// exist depends on the rule (SGD: `momentum`; Adam: `expAvg`, `expAvgSq`; RMSprop:
/// `squareAvg`, optional `gradAvg` and `momentum`), named as in PyTorch's state dict.
public struct ParameterSlots: Codable, Equatable, Sendable {
    /// Updates applied to this parameter (Adam's t for bias correction).
    public var step: Int = 0
    public var momentum: PackedFloats?
    public var expAvg: PackedFloats?
    public var expAvgSq: PackedFloats?
    public var squareAvg: PackedFloats?
    public var gradAvg: PackedFloats?

    public init() {}

    /// Element counts of every buffer present, for checking a restored state against a model.
    var bufferCounts: [Int] {
        [momentum, expAvg, expAvgSq, squareAvg, gradAvg].compactMap { $0?.count }
    }
}

/// Everything an optimizer needs to continue exactly where it stopped.
public struct OptimizerState: Codable, Equatable, Sendable {
    public var config: OptimizerConfig
    public var learningRate: Double
    public var stepCount: Int
    /// Keyed by the parameter's state-dict name ("layer1.0.conv1.weight").
    public var slots: [String: ParameterSlots]
}

/// Updates parameters from their gradients with PyTorch's exact rules (see `OptimizerRules`).
///
/// Frozen parameters (`trainable == false`) are skipped and get no state. The learning rate
/// is a plain property so a schedule can set it before any step.
public struct Optimizer: Sendable {
    public let config: OptimizerConfig
    /// The rate the next `step` uses; starts at the configured lr.
    public var learningRate: Double
    /// Calls to `step` so far.
    public private(set) var stepCount = 0
    private var slots: [String: ParameterSlots] = [:]

    public init(_ config: OptimizerConfig) throws {
        try config.validate()
        self.config = config
        self.learningRate = config.learningRate
    }

    /// Rebuilds an optimizer from a saved state; `step` then continues bit-identically.
    public init(restoring state: OptimizerState) throws {
        try self.init(state.config)
        learningRate = state.learningRate
        stepCount = state.stepCount
        slots = state.slots
    }

    /// A copy of the full state (hyper-parameters, counters, every buffer).
    public var state: OptimizerState {
        OptimizerState(config: config, learningRate: learningRate, stepCount: stepCount, slots: slots)
    }

    /// The state of one parameter, if it has been updated yet.
    public func slots(for name: String) -> ParameterSlots? { slots[name] }

    /// Applies one update to every trainable parameter of `model` from its accumulated grads.
    /// Large tensors are split across `parallel`'s threads; the result has the same bits for
    /// any thread count (the rules are elementwise).
    public mutating func step(_ model: Module, parallel: Parallel = .serial, zeroingGradients: Bool = false) throws {
        try step(model.namedParameters(), parallel: parallel, zeroingGradients: zeroingGradients)
    }

    /// Applies one update to every trainable parameter in the list. Throws (before touching
    /// any parameter) when a restored state does not fit a parameter's size.
    ///
    /// With `zeroingGradients`, each trainable parameter's gradient is zero afterwards, written
    /// in the same pass that reads it (cheaper than `zeroGrad()` before the next backward,
    /// which streams every gradient once more). Frozen parameters are not touched: layers
    /// never add into their gradients.
    public mutating func step(_ parameters: [(String, Parameter)], parallel: Parallel = .serial,
                              zeroingGradients: Bool = false) throws {
        for (name, p) in parameters where p.trainable {
            if let existing = slots[name], let bad = existing.bufferCounts.first(where: { $0 != p.value.count }) {
                throw OptimizerError.stateMismatch(parameter: name, expected: p.value.count, found: bad)
            }
        }
        stepCount += 1
        for (name, p) in parameters where p.trainable {
            // Moved out and back so the buffers are mutated in place, never copied.
            var s = slots.removeValue(forKey: name) ?? ParameterSlots()
            s.step += 1
            OptimizerRules.update(config, lr: learningRate, p, &s, parallel, zeroGradient: zeroingGradients)
            slots[name] = s
        }
    }
}
