// The optimizers' argument checks (the choices and hyper-parameters are MonkVocabulary's
// OptimizerConfig, shared with the plan).
import Foundation
import MonkVocabulary

extension OptimizerConfig {
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
        case .adam(let c), .adamw(let c):
            try check(c.beta1 >= 0 && c.beta1 < 1, "beta1 must be in [0, 1), got \(c.beta1)")
            try check(c.beta2 >= 0 && c.beta2 < 1, "beta2 must be in [0, 1), got \(c.beta2)")
            try check(c.eps >= 0, "eps must be >= 0, got \(c.eps)")
            try check(c.weightDecay >= 0, "weight_decay must be >= 0, got \(c.weightDecay)")
        case .rmsprop(let c):
            try check(c.alpha >= 0, "alpha must be >= 0, got \(c.alpha)")
            try check(c.eps >= 0, "eps must be >= 0, got \(c.eps)")
            try check(c.momentum >= 0, "momentum must be >= 0, got \(c.momentum)")
            try check(c.weightDecay >= 0, "weight_decay must be >= 0, got \(c.weightDecay)")
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
