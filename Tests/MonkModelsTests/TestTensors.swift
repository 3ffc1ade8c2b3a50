// Test inputs for the network tests: seeded tensors of uniform values.
import MonkEngine

/// A tensor of uniform values in [lo, hi) from a fixed seed (as MonkEngineTests' GradCheck).
func randomTensor(_ shape: [Int], seed: UInt64 = 5, _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
    var r = RNG(seed: seed)
    return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in r.uniform(lo, hi) })
}
