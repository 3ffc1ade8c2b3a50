// Everything a training run needs to continue bit-identically after an interruption: weights
// and BatchNorm statistics, optimizer buffers, schedule state, random generator, position.
import Foundation

/// A resumable point in training. Saved through `SnapshotArchive` (`encoded()`), the floats
/// are stored raw after a small JSON header, so a 25 M-parameter model with Adam's two
/// buffers is ~300 MB of floats and a few KB of structure.
public struct TrainingState: Codable, Equatable, Sendable {
    public var model: ModuleState
    public var optimizer: OptimizerState
    public var schedule: LRSchedule
    /// The generator the forward pass draws from (dropout, stochastic layers).
    public var rng: RNG
    /// The epoch to continue in (0-based).
    public var epoch: Int
    /// Optimizer steps of `epoch` already taken: 0 when saved at an epoch boundary.
    public var stepInEpoch: Int

    public init(model: ModuleState, optimizer: OptimizerState, schedule: LRSchedule, rng: RNG,
                epoch: Int, stepInEpoch: Int = 0) {
        self.model = model
        self.optimizer = optimizer
        self.schedule = schedule
        self.rng = rng
        self.epoch = epoch
        self.stepInEpoch = stepInEpoch
    }

    /// Captures the live objects (copies: later training does not change the state).
    public init(capturing model: Module, optimizer: Optimizer, schedule: LRSchedule, rng: RNG,
                epoch: Int, stepInEpoch: Int = 0) {
        self.init(model: model.snapshot(), optimizer: optimizer.state, schedule: schedule, rng: rng,
                  epoch: epoch, stepInEpoch: stepInEpoch)
    }

    /// The binary archive form (see `SnapshotArchive`).
    public func encoded() throws -> Data { try SnapshotArchive.encode(self) }

    /// Reads what `encoded()` wrote.
    public init(archive data: Data) throws {
        self = try SnapshotArchive.decode(TrainingState.self, from: data)
    }

    /// Writes the weights and buffers into `model` (which must have the same names and
    /// shapes) and returns the optimizer to continue with.
    public func restore(into model: Module) throws -> Optimizer {
        try model.restore(self.model)
        return try Optimizer(restoring: optimizer)
    }
}
