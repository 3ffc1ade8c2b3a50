// DenseNet-BC's bottleneck layer, run memory-efficiently on its block's shared feature buffer
// (Pleiss et al. 2017, "Memory-Efficient Implementation of DenseNets", arXiv:1707.06990).
import MonkEngine

extension DenseNet {
    /// BN → ReLU → conv1×1 (C → 4k) → BN → ReLU → conv3×3 (4k → k): the bottleneck layer
    /// "H_ℓ" of DenseNet-BC, producing k new feature maps (k = growth rate, 32 in every
    /// torchvision DenseNet; tests use smaller widths).
    ///
    /// Its input, the concatenation of all earlier feature maps, is the first C channels of the
    /// block's shared buffer. Keeping that concatenation and its BN-ReLU output alive until
    /// backward, as a plain chain would, costs 2·C channels per layer — memory quadratic in
    /// the depth, 1.16 GB of densenet121's activations at 224 px, batch 16. Instead norm1
    /// reads its input in place from the block buffer (no concatenation is ever copied out),
    /// its output is temporary, and backward recomputes it with the statistics forward used
    /// (running statistics move once per forward), in one memory-bound pass, no convolution;
    /// norm1's backward adds the input gradient straight into the block's gradient buffer.
    /// conv1 runs without keeping its input (the backward hands it back); norm2's input and
    /// conv2's input are kept as usual. At small batches the block may ask the
    /// forward to keep norm1's output after all, which saves the backward's recomputation.
    final class DenseLayer: Module, GradientFlow {
        let norm1: BatchNorm2D   // BN + ReLU
        let conv1: Conv2D        // 1×1; its input is not kept but recomputed for the backward
        let norm2: BatchNorm2D   // BN + ReLU
        let conv2: Conv2D
        var needsInputGradient = true
        /// The last forward's block buffer, whose leading channels were its input.
        private var source: Tensor?
        /// norm1's output, when the last forward was asked to keep it for the backward
        /// instead of having the backward recompute it; released by the backward.
        private(set) var keptNormOutput: Tensor?

        init(inChannels: Int, growthRate: Int, bottleneckWidth: Int, rng: inout RNG) {
            norm1 = BatchNorm2D(channels: inChannels, activation: .relu)
            conv1 = Conv2D(inChannels: inChannels, outChannels: bottleneckWidth, kernelSize: 1, bias: false, rng: &rng)
            conv1.initKaimingNormal(.fanIn, rng: &rng)
            norm2 = BatchNorm2D(channels: bottleneckWidth, activation: .relu)
            conv2 = Conv2D(inChannels: bottleneckWidth, outChannels: growthRate, kernelSize: 3,
                           padding: .symmetric(1), bias: false, rng: &rng)
            conv2.initKaimingNormal(.fanIn, rng: &rng)
        }

        var chain: [Module] { [norm1, conv1, norm2, conv2] }

        /// With `keepingNormOutput`, norm1's output (c channels) stays alive until the backward,
        /// which then skips its recomputation: faster, for memory the block has budgeted.
        // features: [N, H, W, total], of which channels 0..<c are this layer's input → [N, H, W, k]
        /// `statistics` (of `features`) lets the layers of a block compute each channel's
        /// batch statistics once.
        func forward(features: Tensor, channels c: Int, keepingNormOutput: Bool = false,
                     statistics: SharedChannelStatistics? = nil, _ ctx: Context) -> Tensor {
            source = ctx.keepsForBackward ? features : nil
            precondition(c == norm1.channels, "DenseLayer(\(norm1.channels)) asked to read \(c) channels")
            let z = norm1.forward(leadingChannelsOf: features, statistics: statistics, ctx)   // [N, H, W, c], read in place
            // Nothing to keep for a backward that stops before conv1 (a frozen layer).
            let backwardReadsZ = conv1.weight.trainable || conv1.needsInputGradient
            keptNormOutput = ctx.keepsForBackward && keepingNormOutput && backwardReadsZ ? z : nil
            let u = conv1.forward(z, ctx, keepingInput: false)  // [N, H, W, 4k]
            return conv2(norm2(u, ctx), ctx)
        }

        // x: [N, H, W, C] (all earlier features, concatenated) → [N, H, W, k]; a layer on its
        // own (tests), whose backward is then `backward(_:_:)`.
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
            forward(features: x, channels: x.shape.last ?? 0, ctx)
        }

        /// Backward of `forward(features:channels:)`: adds dL/d(input channels) into the
        /// leading c channels of `gradient` (shaped like the block buffer, where the block
        /// gathers every layer's input gradient) and returns whether it added anything. With
        /// `pending` (for this buffer and `gradient`), part of it is left there for the block
        /// to add (`DeferredInputGradient`).
        // dy: [N, H, W, k]; gradient: [N, H, W, total]
        @discardableResult
        func backward(_ dy: Tensor, addingInputGradientInto gradient: Tensor, deferring pending: DeferredInputGradient? = nil,
                      _ ctx: Context) -> Bool {
            guard let source else { preconditionFailure("DenseLayer.backward called before forward") }
            let kept = keptNormOutput
            keptNormOutput = nil   // released whichever way this returns
            guard let du = backwardChain([norm2, conv2], dy, ctx) else { return false }
            guard conv1.weight.trainable || conv1.needsInputGradient else { return false }
            // norm1 + ReLU's output: kept by the forward, or again, in one pass over the block
            // buffer's leading channels (bit for bit the forward's).
            let z = kept ?? norm1.recomputeOutput(fromLeadingChannelsOf: source, ctx)
            guard let dz = conv1.backward(du, input: z, ctx) else { return false }
            return norm1.backward(dz, inputLeadingChannelsOf: source, addingInto: gradient, deferring: pending, ctx)
        }

        /// The layer on its own, after `forward(_:_:)`: dL/dx as a new tensor.
        // dy: [N, H, W, k] → [N, H, W, c]
        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            guard let source else { preconditionFailure("DenseLayer.backward called before forward") }
            let gradient = Tensor(shape: source.shape)
            return backward(dy, addingInputGradientInto: gradient, ctx) ? gradient : nil
        }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            needsInputGradient = inputNeedsGradient
            return prepareFlow(chain, inputNeedsGradient: inputNeedsGradient)
        }
    }
}
