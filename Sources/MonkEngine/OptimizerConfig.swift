// Optimizer choices and their hyper-parameters, with PyTorch's defaults and argument checks.
import Foundation

/// torch.optim.SGD's hyper-parameters.
public struct SGDConfig: Codable, Equatable, Sendable {
    public var lr: Double
    public var momentum: Double = 0
    public var dampening: Double = 0
    public var nesterov: Bool = false
    /// L2 penalty added to the gradient (`g + wd·θ`), as torch.optim.SGD does.
    public var weightDecay: Double = 0

    public init(lr: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.lr = lr; self.momentum = momentum; self.dampening = dampening
        self.nesterov = nesterov; self.weightDecay = weightDecay
    }
}

/// torch.optim.Adam / AdamW hyper-parameters. For Adam `weightDecay` is an L2 term added to the
/// gradient; for AdamW it is decoupled (`θ ← θ·(1 − lr·wd)` before the Adam step).
public struct AdamConfig: Codable, Equatable, Sendable {
    public var lr: Double
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var eps: Double = 1e-8
    public var weightDecay: Double

    public init(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0) {
        self.lr = lr; self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
    }
}

/// torch.optim.RMSprop's hyper-parameters.
public struct RMSPropConfig: Codable, Equatable, Sendable {
    public var lr: Double = 0.01
    public var alpha: Double = 0.99
    public var eps: Double = 1e-8
    public var momentum: Double = 0
    /// Divide by the estimated standard deviation (E[g²] − E[g]²) instead of the raw RMS.
    public var centered: Bool = false
    public var weightDecay: Double = 0

    public init(lr: Double = 0.01, alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0,
                centered: Bool = false, weightDecay: Double = 0) {
        self.lr = lr; self.alpha = alpha; self.eps = eps; self.momentum = momentum
        self.centered = centered; self.weightDecay = weightDecay
    }
}

/// Which optimizer to run, carrying its hyper-parameters. `Optimizer(config)` checks them.
public enum OptimizerConfig: Codable, Equatable, Sendable {
    case sgd(SGDConfig)
    case adam(AdamConfig)
    /// AdamW; PyTorch's default weight decay for it is 0.01 (pass it explicitly).
    case adamW(AdamConfig)
    case rmsProp(RMSPropConfig)

    /// The configured (base) learning rate; schedules scale from it.
    public var learningRate: Double {
        switch self {
        case .sgd(let c): return c.lr
        case .adam(let c), .adamW(let c): return c.lr
        case .rmsProp(let c): return c.lr
        }
    }

    /// Checks the same ranges torch.optim does, naming the offending hyper-parameter.
    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw OptimizerError.invalidHyperParameter(message) }
        }
        try check(learningRate >= 0 && learningRate.isFinite, "lr must be a finite value >= 0, got \(learningRate)")
        switch self {
        case .sgd(let c):
            try check(c.momentum >= 0, "momentum must be >= 0, got \(c.momentum)")
            try check(c.weightDecay >= 0, "weight_decay must be >= 0, got \(c.weightDecay)")
            try check(!c.nesterov || (c.momentum > 0 && c.dampening == 0),
                      "nesterov needs momentum > 0 and dampening 0")
        case .adam(let c), .adamW(let c):
            try check(c.beta1 >= 0 && c.beta1 < 1, "beta1 must be in [0, 1), got \(c.beta1)")
            try check(c.beta2 >= 0 && c.beta2 < 1, "beta2 must be in [0, 1), got \(c.beta2)")
            try check(c.eps >= 0, "eps must be >= 0, got \(c.eps)")
            try check(c.weightDecay >= 0, "weight_decay must be >= 0, got \(c.weightDecay)")
        case .rmsProp(let c):
            try check(c.alpha >= 0, "alpha must be >= 0, got \(c.alpha)")
            try check(c.eps >= 0, "eps must be >= 0, got \(c.eps)")
            try check(c.momentum >= 0, "momentum must be >= 0, got \(c.momentum)")
            try check(c.weightDecay >= 0, "weight_decay must be >= 0, got \(c.weightDecay)")
        }
    }

    // A flat, readable encoding: {"kind": "adamW", "lr": 0.001, ...}.
    private enum Kind: String, Codable { case sgd, adam, adamW, rmsProp }
    private enum KindKey: String, CodingKey { case kind }

    public func encode(to encoder: Encoder) throws {
        var k = encoder.container(keyedBy: KindKey.self)
        switch self {
        case .sgd(let c): try k.encode(Kind.sgd, forKey: .kind); try c.encode(to: encoder)
        case .adam(let c): try k.encode(Kind.adam, forKey: .kind); try c.encode(to: encoder)
        case .adamW(let c): try k.encode(Kind.adamW, forKey: .kind); try c.encode(to: encoder)
        case .rmsProp(let c): try k.encode(Kind.rmsProp, forKey: .kind); try c.encode(to: encoder)
        }
    }

    public init(from decoder: Decoder) throws {
        switch try decoder.container(keyedBy: KindKey.self).decode(Kind.self, forKey: .kind) {
        case .sgd: self = .sgd(try SGDConfig(from: decoder))
        case .adam: self = .adam(try AdamConfig(from: decoder))
        case .adamW: self = .adamW(try AdamConfig(from: decoder))
        case .rmsProp: self = .rmsProp(try RMSPropConfig(from: decoder))
        }
    }
}

/// Errors from building or restoring an optimizer.
public enum OptimizerError: Error, CustomStringConvertible, Equatable {
    case invalidHyperParameter(String)
    /// A restored state does not fit the model: a buffer's element count differs.
    case stateMismatch(parameter: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case .invalidHyperParameter(let m): return "optimizer: \(m)"
        case let .stateMismatch(name, expected, found):
            return "optimizer state for '\(name)' holds \(found) values, the parameter has \(expected)"
        }
    }
}
