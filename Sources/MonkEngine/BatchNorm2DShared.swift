// Work that BatchNorms normalising prefixes of one buffer (a DenseNet block's norm1 layers)
// can share: each channel's batch statistics, and the batch-sum part of the input gradients.

/// Batch mean and biased variance of the channels of one buffer (`[…, total]`), each channel
/// computed once, when a layer first asks for it.
///
/// In a dense block, layer ℓ normalises channels 0..<C₀ + kℓ of the block buffer, and no
/// layer changes a channel once written: the statistics of channel j are the same for every
/// layer that reads it. Computing them once instead of in every layer's norm1 takes one of
/// the three passes over memory out of each forward (the statistics pass; the normalising
/// pass reads and writes). Per channel, the values are bit for bit what
/// `ChannelReduce.meanAndVariance` gives on any view holding the channel: blocks of rows and
/// their order do not depend on the view's width.
public final class SharedChannelStatistics {
    let source: Tensor
    private var mean: [Double] = []
    private var variance: [Double] = []

    /// Statistics of `source`, which must not change while they are in use (one forward).
    public init(of source: Tensor) {
        precondition(source.rank >= 2, "SharedChannelStatistics needs channels on the last axis of \(source.shape)")
        self.source = source
    }

    /// `y += residual`, with the statistics of every channel of the sum taken in the same
    /// pass (for the BatchNorm that reads the sum next: a ResNet v2 block's output is the
    /// next block's bn1 input). Bit for bit the add, then the statistics pass.
    public static func adding(_ residual: Tensor, into y: Tensor, _ parallel: Parallel) -> SharedChannelStatistics {
        let shared = SharedChannelStatistics(of: y)
        (shared.mean, shared.variance) = ChannelReduce.addThenMeanAndVariance(y, adding: residual, channels: y.shape.last!,
                                                                              parallel: parallel)
        return shared
    }

    /// Mean and variance of the leading `c` channels; computes those not asked for before.
    func leading(_ c: Int, _ parallel: Parallel) -> (mean: [Double], variance: [Double]) {
        if c > mean.count {
            let known = mean.count
            let (m, v) = ChannelReduce.meanAndVariance(ChannelRows(known..<c, of: source), channels: c - known,
                                                       parallel: parallel)
            mean += m
            variance += v
        }
        return (Array(mean[0..<c]), Array(variance[0..<c]))
    }
}

/// The x·b + k part of BatchNorm input gradients that several layers add into one gradient
/// buffer, summed per channel (b, k) and added once.
///
/// A training BatchNorm's dL/dx is a·g + b·x + k per channel (g the masked dy; b and k need
/// sums over the whole batch). When layers normalise prefixes of the same `source`, their b·x
/// + k terms for channel j act on the same x, so Σℓ (bℓ·x + kℓ) = (Σ bℓ)·x + Σ kℓ: a layer adds
/// a·g in the pass that takes its sums, and the block adds the rest of channel j once, as it
/// takes channel j's gradient out of the buffer. That takes two of six passes over memory out
/// of each layer's backward. Mathematically the same gradient; rounding differs in the last bits.
public final class DeferredInputGradient {
    let source: Tensor
    let gradient: Tensor
    private var b: [Double]
    private var k: [Double]

    /// For layers reading channels of `source` and adding their input gradients into
    /// `gradient` (same shape).
    public init(source: Tensor, gradient: Tensor) {
        precondition(source.shape == gradient.shape && source.rank >= 2,
                     "DeferredInputGradient: source \(source.shape) vs gradient \(gradient.shape)")
        self.source = source
        self.gradient = gradient
        let total = source.shape.last!
        b = [Double](repeating: 0, count: total)
        k = b
    }

    /// Adds a layer's per-channel terms for the leading `b.count` channels.
    func `defer`(b lb: [Float], k lk: [Float]) {
        precondition(lb.count == lk.count && lb.count <= b.count, "DeferredInputGradient: \(lb.count) channels")
        for j in lb.indices {
            b[j] += Double(lb[j])
            k[j] += Double(lk[j])
        }
    }

    /// The complete gradient of `channels` as a new contiguous tensor ([…, count]): the buffer's
    /// values plus what layers left for them (x·Σb + Σk), in one pass; nil when no layer left
    /// anything there (the buffer's values are complete: copy them). Call it once every layer
    /// that reads these channels has run its backward; the terms are forgotten, and the
    /// buffer's own copy of these channels is not updated (nothing reads it afterwards).
    public func take(_ channels: Range<Int>, _ parallel: Parallel) -> Tensor? {
        guard !channels.isEmpty, channels.contains(where: { b[$0] != 0 || k[$0] != 0 }) else { return nil }
        let sb = channels.map { Float(b[$0]) }, sk = channels.map { Float(k[$0]) }
        let out = Tensor(uninitializedShape: Array(gradient.shape.dropLast()) + [channels.count])  // every element written
        ChannelAffine.add(ChannelRows(channels, of: source), scale: sb, shift: sk, to: ChannelRows(channels, of: gradient),
                          into: ChannelRows(out, channels: channels.count), parallel: parallel)
        for j in channels { b[j] = 0; k[j] = 0 }
        return out
    }
}
