// The page pool behind large tensor buffers (MonkEngine's TensorStorage), which the
// memory-efficient DenseNet relies on: recycled pages must never be shared by live tensors.
import Testing
import MonkEngine

@Suite struct TensorPagePoolTests {
    /// Tensors of ever-changing pooled sizes (256 KiB to 6 MB, so each is assembled from pages
    /// of earlier ones) are created and freed in random order; every live tensor must still
    /// hold its own value on every page (one float checked per 4 KiB page, plus the last).
    @Test func recycledPagesNeverAliasLiveTensors() {
        var rng = RNG(seed: 41)
        var live: [(tensor: Tensor, value: Float)] = []
        for step in 0..<80 {
            let floats = 65_536 + Int(rng.uniform(0, 1_400_000))
            let t = Tensor(uninitializedShape: [floats])
            t.fill(Float(step))
            live.append((t, Float(step)))
            if live.count > 6 { live.remove(at: min(live.count - 1, Int(rng.uniform(0, Float(live.count))))) }
            for (t, v) in live {
                var ok = t[t.count - 1] == v
                for i in stride(from: 0, to: t.count, by: 1024) where t[i] != v { ok = false }
                #expect(ok, "step \(step): a tensor of \(t.count) floats lost its value \(v)")
            }
        }
    }

    /// Pages come back with old contents, so a zero-filled tensor must really be zero-filled
    /// and an uninitialised one fully writable: NaN-poisoned buffers are freed, then a larger
    /// tensor (made partly of their pages) must read 0 everywhere.
    @Test func zeroFilledTensorsAreZeroOnRecycledPages() {
        for _ in 0..<3 {
            let poison = Tensor(uninitializedShape: [300_000])
            poison.fill(.nan)
        }
        let t = Tensor(shape: [1_000_000])
        var zero = true
        for i in stride(from: 0, to: t.count, by: 1024) where t[i] != 0 { zero = false }
        #expect(zero && t[t.count - 1] == 0)
    }
}
