// DenseNet's dense block: every layer sees the concatenation of all feature maps before it.
import MonkEngine

extension DenseNet {
    /// x_ℓ = H_ℓ([x_0, x_1, …, x_{ℓ−1}]); the block returns [x_0, …, x_L] (channels C₀ + k·L
    /// for growth rate k).
    ///
    /// Forward writes every feature map once into one shared buffer of the block's output
    /// width: the block input into the leading C₀ channels, layer ℓ's k new maps after it.
    /// Layer ℓ reads the leading C₀ + k·ℓ channels of that buffer, which no later layer
    /// changes, and keeps nothing of that width alive (see `DenseLayer`), so the block holds
    /// its output plus each layer's narrow bottleneck tensors — memory linear in the depth —
    /// unless `keptNormBudget` lets it keep the layers' norm1 outputs (small batches).
    /// Backward keeps one gradient buffer for the whole block output: layer ℓ reads its k
    /// channels from it and adds its input gradient into the leading channels.
    /// Since no layer changes a channel once written, the layers' norm1 share work on it:
    /// each channel's batch statistics are computed once per forward
    /// (`SharedChannelStatistics`), and the batch-sum part of their input gradients is
    /// summed per channel and added once, as the channel's gradient is taken out of the
    /// buffer (`DeferredInputGradient`).
    final class DenseBlock: Module, GradientFlow, FLOPCounting {
        let layers: [DenseLayer]
        let inChannels: Int
        let growthRate: Int
        var needsInputGradient = true
        /// The last training forward's feature buffer (every layer's input), for the backward.
        private var source: Tensor?
        /// Bytes the block may spend keeping its layers' norm1 outputs for the backward, which
        /// then does not recompute them (`DenseLayer`): Σ N·H·W·C_ℓ floats, 43–47 MB for each
        /// of densenet121's first three blocks at 224 px and batch 4, twice that at batch 8.
        /// Past it (those blocks at batch 16), the block recomputes them and its memory stays
        /// linear in its depth.
        var keptNormBudget = DenseBlock.defaultKeptNormBudget
        static let defaultKeptNormBudget = 128 << 20

        init(inChannels: Int, layers count: Int, growthRate: Int, bottleneckWidth: Int, rng: inout RNG) {
            self.inChannels = inChannels
            self.growthRate = growthRate
            layers = (0..<count).map {
                DenseLayer(inChannels: inChannels + $0 * growthRate, growthRate: growthRate, bottleneckWidth: bottleneckWidth, rng: &rng)
            }
        }

        var outChannels: Int { inChannels + layers.count * growthRate }

        /// torchvision numbers the layers from 1: `denselayer1`, `denselayer2`, ….
        var namedChildren: [(String, Module)] { layers.enumerated().map { ("denselayer\($0.offset + 1)", $0.element) } }

        // x: [N, H, W, C₀] → [N, H, W, C₀ + k·L]
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
            precondition(x.rank == 4 && x.shape[3] == inChannels, "DenseBlock(\(inChannels)) got input \(x.shape)")
            // Every channel is written below: the input here, each layer's output in its loop.
            let features = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outChannels])
            let label = "dense write @\(OpProfile.map(x.shape))"
            ctx.timed(label) { DenseChannels.write(x, into: features, at: 0, ctx.parallel) }
            let keep = keptNormBytes(x.shape) <= keptNormBudget
            let statistics = SharedChannelStatistics(of: features)
            source = ctx.keepsForBackward ? features : nil
            for (i, layer) in layers.enumerated() {
                let c = inChannels + i * growthRate
                let y = layer.forward(features: features, channels: c, keepingNormOutput: keep, statistics: statistics,
                                      ctx)   // [N, H, W, k]
                ctx.timed(label) { DenseChannels.write(y, into: features, at: c, ctx.parallel) }
            }
            return features
        }

        /// What keeping every layer's norm1 output takes for an input of `shape` ([N, H, W, C₀]).
        func keptNormBytes(_ shape: [Int]) -> Int {
            let pixels = shape.dropLast().reduce(1, *)
            let channels = layers.indices.reduce(0) { $0 + inChannels + $1 * growthRate }
            return pixels * channels * MemoryLayout<Float>.size
        }

        // dy: [N, H, W, C₀ + k·L] → [N, H, W, C₀]
        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            guard let source else { preconditionFailure("DenseBlock.backward called before forward") }
            self.source = nil
            let label = "dense gradient copies @\(OpProfile.map(dy.shape))"
            let g = ctx.timed(label) { dy.copy() }               // dL/d[x_0 … x_L], filled from the end
            let pending = DeferredInputGradient(source: source, gradient: g)
            // Channels c..<c+k are complete once every later layer has run: taken out then,
            // with the terms the later layers' norm1 left for them.
            func take(_ channels: Range<Int>) -> Tensor {
                ctx.timed(label) { pending.take(channels, ctx.parallel) ?? DenseChannels.copy(g, channels, ctx.parallel) }
            }
            for (i, layer) in layers.enumerated().reversed() {
                let c = inChannels + i * growthRate               // layer i reads channels 0..<c, writes c..<c+k
                let dOut = take(c..<(c + growthRate))
                layer.backward(dOut, addingInputGradientInto: g, deferring: pending, ctx)   // into channels 0..<c
            }
            guard needsInputGradient else { return nil }
            return take(0..<inChannels)
        }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            needsInputGradient = inputNeedsGradient
            // Layer ℓ's input needs a gradient once the block input or any earlier layer's
            // output carries one.
            var carried = inputNeedsGradient
            for layer in layers { carried = layer.prepareGradientFlow(inputNeedsGradient: carried) || carried }
            return carried
        }

        func countFLOPs(_ t: inout FLOPTally) {
            for layer in layers { t.conv(layer.conv1); t.conv(layer.conv2) }
        }
    }
}
