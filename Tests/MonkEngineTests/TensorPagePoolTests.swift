// The page pool behind large tensor buffers (MonkEngine's TensorStorage), which the
// memory-efficient DenseNet relies on: recycled pages must never be shared by live tensors.
import Testing
@testable import MonkEngine

/// Serialized: the renewal test makes the pool start over (dropping whole buffers) while it
/// runs, which the steady-state test must not see.
@Suite(.serialized) struct TensorPagePoolTests {
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

    /// A training step allocates the same sizes in the same order as the step before, so from
    /// the second round on every buffer must be one the round before freed, handed back whole
    /// (same address, no new mapping, no page moves): steady-state steps make no system call
    /// for tensor memory. Sizes are odd page counts no other test uses; another test running
    /// at the same time may still break a freed buffer up between two rounds, so a round is
    /// retried (up to 5 times) rather than the test failing on that race.
    @Test func steadyStateStepsReuseFreedBuffersWhole() {
        let sizes = [1_234_567, 345_679, 2_345_671, 345_679, 987_653]  // floats; one size twice
        func round() -> Set<UInt> {
            var live: [Tensor] = [], seen: Set<UInt> = []
            for (i, n) in sizes.enumerated() {
                let t = Tensor(uninitializedShape: [n])
                t.fill(Float(i))
                seen.insert(UInt(bitPattern: t.data))
                live.append(t)
                if i == 2 { live.removeFirst() }  // one buffer dies mid-step, as activations do
            }
            return seen
        }
        // Reuse waits whole only within the pool's slack above the peak of live tensors (15%):
        // a long-lived tensor, as a network's weights are, makes that room for the ~5 MB that
        // waits between rounds here (the 4.9 MB buffer freed mid-round).
        let weights = Tensor(uninitializedShape: [12_000_000])
        defer { withExtendedLifetime(weights) {} }
        var previous = round()
        var reusedWhole = false
        for _ in 0..<5 where !reusedWhole {
            let before = TensorStorage.allocationCounts
            let addresses = round()
            let after = TensorStorage.allocationCounts
            reusedWhole = addresses == previous && after.reused - before.reused >= sizes.count
            previous = addresses
        }
        #expect(reusedWhole, "a repeated allocation sequence did not get its freed buffers back whole")
    }

    /// After `renewalMoves` page moves the pool starts over, returning every idle page: each
    /// move leaves its pages a mapping of their own, and in densenet121 training (~180 moves
    /// per step) the process's mappings grew without bound and each move cost more than the
    /// last (TensorStorage.renewalMoves has the measurements; this test's few small tensors do
    /// not fragment the pool that way, so it checks the renewal itself). Tensors of
    /// ever-changing sizes, each assembled from pages of the ones freed before it, make more
    /// than three renewals' worth of moves; the pool must start over at least three times, and
    /// tensors made across renewals keep their values.
    @Test func thePoolStartsOverAfterManyPageMoves() {
        let before = TensorStorage.renewals
        var rng = RNG(seed: 7)
        var live: [(tensor: Tensor, value: Float)] = []
        var step = 0
        // Each round frees a tensor and assembles one of another size (a move or more); bounded
        // in case moves fail.
        while TensorStorage.renewals < before + 3 && step < 8 * TensorStorage.renewalMoves {
            let floats = 65_536 + 1_024 * Int(rng.uniform(0, 600))
            let t = Tensor(uninitializedShape: [floats])
            t[0] = Float(step); t[floats - 1] = Float(step)
            live.append((t, Float(step)))
            if live.count > 4 { live.removeFirst() }
            step += 1
        }
        #expect(TensorStorage.renewals >= before + 3, "\(TensorStorage.renewals - before) renewals after \(step) tensors")
        for (t, v) in live { #expect(t[0] == v && t[t.count - 1] == v) }
    }

    /// The pool joins address-adjacent regions, and those are separate mappings (pieces moved
    /// into a buffer one by one, neighbouring buffers): Linux before 6.17 moves no range that
    /// spans two mappings (EFAULT), so moving a joined region failed and the pool unmapped it,
    /// faulting in fresh pages instead (densenet121 batch 4 training: 205 failed moves in 42
    /// steps). With moves held to that rule (each checked against /proc/self/maps), tensors of
    /// ever-changing sizes, assembled from the pieces of freed ones, must take joined regions
    /// (at least 20), never fail a move, and keep their values on every page.
    @Test func joinedRegionsMoveOneMappingAtATime() {
        TensorStorage.movesWithinOneMapping = true
        defer { TensorStorage.movesWithinOneMapping = false }
        let before = TensorStorage.moveCounts
        var rng = RNG(seed: 23)
        var live: [(tensor: Tensor, value: Float)] = []
        var step = 0, intact = true
        while TensorStorage.moveCounts.joined < before.joined + 20 && step < 3_000 {
            let floats = 65_536 + 1_024 * Int(rng.uniform(0, 600))
            let t = Tensor(uninitializedShape: [floats])
            for i in stride(from: 0, to: floats, by: 1024) { t[i] = Float(step) }
            t[floats - 1] = Float(step)
            live.append((t, Float(step)))
            if live.count > 4 { live.removeFirst() }
            for (t, v) in live where t[t.count - 1] != v || stride(from: 0, to: t.count, by: 1024).contains(where: { t[$0] != v }) {
                intact = false
            }
            step += 1
        }
        let after = TensorStorage.moveCounts
        #expect(after.joined - before.joined >= 20, "\(after.joined - before.joined) joined regions taken in \(step) tensors")
        #expect(after.failed == before.failed, "\(after.failed - before.failed) moves failed in \(step) tensors")
        #expect(intact, "a live tensor lost its value")
    }
}
