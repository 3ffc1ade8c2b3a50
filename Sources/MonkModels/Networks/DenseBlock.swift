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
    /// its output plus each layer's narrow bottleneck tensors — memory linear in the depth.
    /// Backward keeps one gradient buffer for the whole block output: layer ℓ reads its k
    /// channels from it and adds its input gradient into the leading channels.
    final class DenseBlock: Module, GradientFlow, FLOPCounting {
        let layers: [DenseLayer]
        let inChannels: Int
        let growthRate: Int
        var needsInputGradient = true

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
            for (i, layer) in layers.enumerated() {
                let c = inChannels + i * growthRate
                let y = layer.forward(features: features, channels: c, ctx)   // [N, H, W, k]
                ctx.timed(label) { DenseChannels.write(y, into: features, at: c, ctx.parallel) }
            }
            return features
        }

        // dy: [N, H, W, C₀ + k·L] → [N, H, W, C₀]
        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            let label = "dense gradient copies @\(OpProfile.map(dy.shape))"
            let g = ctx.timed(label) { dy.copy() }               // dL/d[x_0 … x_L], filled from the end
            for (i, layer) in layers.enumerated().reversed() {
                let c = inChannels + i * growthRate               // layer i reads channels 0..<c, writes c..<c+k
                let dOut = ctx.timed(label) { DenseChannels.copy(g, c..<(c + growthRate), ctx.parallel) }
                layer.backward(dOut, addingInputGradientInto: g, ctx)   // into channels 0..<c
            }
            guard needsInputGradient else { return nil }
            return DenseChannels.copy(g, 0..<inChannels, ctx.parallel)
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
