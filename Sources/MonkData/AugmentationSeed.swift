// Random streams for augmentation and shuffling, derived from (seed, epoch, image index) so
// that results never depend on which thread handled which image, and a resumed run repeats them.
import MonkEngine

/// The root of a run's data randomness.
public struct AugmentationSeed: Codable, Hashable, Sendable {
    public var seed: UInt64
    public init(seed: UInt64) { self.seed = seed }

    /// The generator for one image in one epoch; `index` is the image's position in the
    /// dataset (not in the shuffled order), so shuffling does not change its augmentation.
    public func rng(epoch: UInt64, index: Int) -> RNG {
        RNG(seed: seed, stream: 1).derived(epoch, UInt64(index) &+ 1)
    }

    /// The order in which an epoch visits `count` items (a seeded Fisher–Yates shuffle).
    public func order(epoch: UInt64, count: Int) -> [Int] {
        var rng = RNG(seed: seed, stream: 2).derived(epoch)
        var order = Array(0..<count)
        rng.shuffle(&order)
        return order
    }
}
