// DenseNet's dense block: every layer sees the concatenation of all feature maps before it.
import MonkEngine

extension DenseNet {
    /// x_ℓ = H_ℓ([x_0, x_1, …, x_{ℓ−1}]); the block returns [x_0, …, x_L] (channels C₀ + k·L
    /// for growth rate k).
    ///
    /// Forward builds each layer's input by appending the newest k channels to the previous
    /// input (one `concatChannels` of two pieces per layer). The inputs must stay alive for
    /// the BatchNorms' backward anyway, so memory grows with the square of the depth, as in
    /// torchvision's default (non-checkpointed) DenseNet. Backward keeps one gradient buffer
    /// for the whole block output: layer ℓ reads its k channels from it and adds its input
    /// gradient into the leading channels, so no per-layer split is allocated.
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
            var features = x
            for layer in layers {
                let y = layer(features, ctx)                                     // [N, H, W, k]
                features = concatChannels([features, y], parallel: ctx.parallel)  // [N, H, W, C + k]
            }
            return features
        }

        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            let total = outChannels
            let g = dy.copy()                                     // dL/d[x_0 … x_L], filled from the end
            for (i, layer) in layers.enumerated().reversed() {
                let c = inChannels + i * growthRate               // layer i reads channels 0..<c, writes c..<c+k
                let dOut = copyChannels(g, total: total, range: c..<(c + growthRate), ctx.parallel)
                if let dIn = layer.backward(dOut, ctx) { addChannels(dIn, into: g, total: total, ctx.parallel) }
            }
            guard needsInputGradient else { return nil }
            return copyChannels(g, total: total, range: 0..<inChannels, ctx.parallel)
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

/// Channels `range` of every pixel of `g` ([…, total]) as a new contiguous tensor.
private func copyChannels(_ g: Tensor, total: Int, range: Range<Int>, _ parallel: Parallel) -> Tensor {
    let rows = g.count / total, width = range.count, start = range.lowerBound
    let out = Tensor(shape: Array(g.shape.dropLast()) + [width])
    parallel.chunks(rows, minChunk: max(1, 16_384 / total)) { r in
        for p in r { (out.data + p * width).update(from: g.data + p * total + start, count: width) }
    }
    return out
}

/// g[…, 0..<c] += d where d is [..., c]: a layer's input gradient lands on the leading channels.
private func addChannels(_ d: Tensor, into g: Tensor, total: Int, _ parallel: Parallel) {
    let c = d.shape.last ?? 1, rows = d.count / c
    parallel.chunks(rows, minChunk: max(1, 16_384 / total)) { r in
        for p in r {
            let src = d.data + p * c, dst = g.data + p * total
            for j in 0..<c { dst[j] += src[j] }
        }
    }
}
