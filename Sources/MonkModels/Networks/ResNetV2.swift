// ResNet v2, pre-activation: He, Zhang, Ren, Sun, "Identity Mappings in Deep Residual
// Networks" (ECCV 2016, arXiv:1603.05027) — BN and ReLU move before each convolution.
import MonkEngine

/// Pre-activation ResNet-18/50 (Monk's `resnet18_v2`, `resnet50_v2`). torchvision has no such
/// model, so the names follow torchvision's ResNet wherever the layer has a counterpart:
///
/// - `bn_data`: MXNet Gluon's input BatchNorm without scale and shift, whose statistics come
///   from a Gluon file (0/1, the identity, when training from scratch) — so that Gluon's
///   pretrained files, where Monk's v2 models come from, give exactly Gluon's outputs;
/// - stem `conv1` (7×7/2), `bn1` + ReLU, `maxpool` — the pre-activation papers' ImageNet stem;
/// - blocks `layerS.B.bn1`, `conv1`, `bn2`, `conv2` (+ `bn3`, `conv3` for bottlenecks): each
///   `bnK` is the pre-activation of `convK`;
/// - `layerS.B.downsample` — a bare strided 1×1 convolution (no BatchNorm: in a pre-activation
///   network the shortcut takes the block's already normalised, activated input);
/// - `bn_final` + ReLU before the global pool (the paper's final activation), then `fc`.
///
/// The stride of a bottleneck sits on its 3×3 convolution, as in torchvision's v1.5 and in
/// MXNet Gluon's ResNetV2 (where Monk's v2 models come from). Initialisation as torchvision's
/// ResNet: kaiming normal (fan_out) convolutions, BatchNorm 1/0, default Linear.
public final class PreActResNet: ClassifierNetwork {
    /// The two depths Monk offers.
    public enum Depth: Int, Sendable, CaseIterable {
        case resnet18 = 18, resnet50 = 50

        public var blockCounts: [Int] { self == .resnet18 ? [2, 2, 2, 2] : [3, 4, 6, 3] }
        public var usesBottleneck: Bool { self == .resnet50 }
        var expansion: Int { usesBottleneck ? 4 : 1 }
    }

    public let depth: Depth
    public let bn_data: FixedBatchNorm2D
    public let conv1: Conv2D
    public let bn1: BatchNorm2D   // with the ReLU fused in
    public let maxpool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
    let layer1: [Block]
    let layer2: [Block]
    let layer3: [Block]
    let layer4: [Block]
    public let bn_final: BatchNorm2D   // BN + ReLU
    public let avgpool = GlobalAvgPool()
    public private(set) var fc: Linear
    public var needsInputGradient = true

    public convenience init(_ depth: Depth, numClasses: Int = 1000, rng: inout RNG) {
        self.init(depth, widths: [64, 128, 256, 512], numClasses: numClasses, rng: &rng)
    }

    /// `widths`: the four stages' widths (the stem has the first); the papers' are 64…512,
    /// tests use narrower ones to keep reference files small.
    init(_ depth: Depth, widths: [Int], numClasses: Int, rng: inout RNG) {
        precondition(widths.count == 4, "four stage widths")
        self.depth = depth
        bn_data = FixedBatchNorm2D(channels: 3)
        conv1 = Conv2D(inChannels: 3, outChannels: widths[0], kernelSize: 7, stride: 2, padding: .symmetric(3), bias: false, rng: &rng)
        conv1.initKaimingNormal(.fanOut, rng: &rng)
        bn1 = BatchNorm2D(channels: widths[0], activation: .relu)
        var inC = widths[0]
        func stage(_ width: Int, _ count: Int, _ stride: Int) -> [Block] {
            (0..<count).map { i in
                let s = i == 0 ? stride : 1
                let block = Block(inChannels: inC, width: width, stride: s, bottleneck: depth.usesBottleneck, rng: &rng)
                inC = width * depth.expansion
                return block
            }
        }
        let n = depth.blockCounts
        layer1 = stage(widths[0], n[0], 1)
        layer2 = stage(widths[1], n[1], 2)
        layer3 = stage(widths[2], n[2], 2)
        layer4 = stage(widths[3], n[3], 2)
        bn_final = BatchNorm2D(channels: inC, activation: .relu)
        fc = Linear(inFeatures: inC, outFeatures: numClasses, rng: &rng)
    }

    public var numClasses: Int { fc.weight.shape[0] }
    public var headParameterNames: [String] { ["fc.weight", "fc.bias"] }

    public func replaceHead(numClasses: Int, rng: inout RNG) {
        fc = Linear(inFeatures: fc.weight.shape[1], outFeatures: numClasses, rng: &rng)
        prepareBackward()
    }

    var blocks: [Block] { layer1 + layer2 + layer3 + layer4 }

    public var forwardChain: [Module] {
        [bn_data, conv1, bn1, maxpool] + blocks + [bn_final, avgpool, fc]
    }

    // x: [N, H, W, 3] → logits [N, classes]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        var h = bn1(conv1(bn_data(x, ctx), ctx), ctx) // [N, H/2, W/2, 64], BN + ReLU
        h = maxpool(h, ctx)                          // [N, H/4, W/4, 64]
        // Each block hands its output's batch statistics to the BatchNorm that reads it next.
        var statistics: SharedChannelStatistics?
        for block in blocks {                        // … [N, H/32, W/32, 512·expansion], not activated
            (h, statistics) = block.forward(h, statistics: statistics, ctx)
        }
        h = bn_final.forward(h, statistics: statistics, ctx)   // BN + ReLU
        return fc(avgpool(h, ctx), ctx)              // [N, 512·expansion] → [N, classes]
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        backwardChain(forwardChain, dy, ctx)
    }

    public func forwardFLOPs(height: Int, width: Int) -> Double {
        var t = FLOPTally(height: height, width: width)
        t.conv(conv1)
        t.pool(kernel: 3, stride: 2, padding: 1)
        for block in blocks { block.countFLOPs(&t) }
        t.linear(fc)
        return t.flops
    }
}

extension PreActResNet {
    /// a = ReLU(BN(x)); out = F(a) + shortcut, where the shortcut is x itself or, when the
    /// shape changes, a strided 1×1 convolution of a. F is conv3×3/s → BN → ReLU → conv3×3
    /// (basic, ResNet-18) or conv1×1 → BN → ReLU → conv3×3/s → BN → ReLU → conv1×1 with 4×
    /// expansion (bottleneck, ResNet-50).
    final class Block: Module, GradientFlow, FLOPCounting {
        // Every BatchNorm here is the pre-activation of the convolution after it: BN + ReLU.
        let bn1: BatchNorm2D
        let downsample: Conv2D?
        let conv1: Conv2D
        let bn2: BatchNorm2D
        let conv2: Conv2D
        let bn3: BatchNorm2D?
        let conv3: Conv2D?
        var needsInputGradient = true

        init(inChannels: Int, width: Int, stride: Int, bottleneck: Bool, rng: inout RNG) {
            let out = bottleneck ? width * 4 : width
            func conv(_ i: Int, _ o: Int, _ k: Int, _ s: Int) -> Conv2D {
                let c = Conv2D(inChannels: i, outChannels: o, kernelSize: k, stride: s, padding: .symmetric(k / 2), bias: false, rng: &rng)
                c.initKaimingNormal(.fanOut, rng: &rng)
                return c
            }
            bn1 = BatchNorm2D(channels: inChannels, activation: .relu)
            downsample = stride != 1 || inChannels != out ? conv(inChannels, out, 1, stride) : nil
            if bottleneck {
                conv1 = conv(inChannels, width, 1, 1)
                conv2 = conv(width, width, 3, stride)
                bn3 = BatchNorm2D(channels: width, activation: .relu)
                conv3 = conv(width, out, 1, 1)
            } else {
                conv1 = conv(inChannels, width, 3, stride)
                conv2 = conv(width, width, 3, 1)
                bn3 = nil; conv3 = nil
            }
            bn2 = BatchNorm2D(channels: width, activation: .relu)
        }

        /// The residual function F, applied to the pre-activation a.
        var residual: [Module] {
            var f: [Module] = [conv1, bn2, conv2]
            if let bn3, let conv3 { f += [bn3, conv3] }
            return f
        }

        // x: [N, H, W, Cin] → [N, H/s, W/s, Cout]
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor { forward(x, statistics: nil, ctx).y }

        /// `forward`, with bn1 taking its batch statistics from `statistics` (of `x`) when
        /// given; in training, also the batch statistics of the output, taken in the pass
        /// that adds the shortcut (the next BatchNorm would otherwise read it once more).
        func forward(_ x: Tensor, statistics: SharedChannelStatistics?, _ ctx: Context)
            -> (y: Tensor, statistics: SharedChannelStatistics?) {
            let a = bn1.forward(x, statistics: statistics, ctx)   // ReLU(BN(x))
            let shortcut = downsample.map { $0(a, ctx) } ?? x      // [N, H/s, W/s, Cout]
            let y = residual.reduce(a) { $1($0, ctx) }
            return ctx.timed("residual add @\(OpProfile.map(y.shape)) forward") {
                guard ctx.training else {
                    addInPlace(y, shortcut, parallel: ctx.parallel)
                    return (y, nil)
                }
                return (y, SharedChannelStatistics.adding(shortcut, into: y, ctx.parallel))
            }
        }

        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            // dL/da gathers the residual branch and the projection; dL/dx adds the identity.
            var da = backwardChain(residual, dy, ctx)
            if let ds = downsample?.backward(dy, ctx) {
                if let d = da { addInPlace(d, ds, parallel: ctx.parallel) } else { da = ds }
            }
            // An identity shortcut's gradient (dy) joins bn1's in the pass that writes it.
            let identity = downsample == nil && needsInputGradient
            let dx = da.flatMap { identity ? bn1.backward($0, plus: dy, ctx) : bn1.backward($0, ctx) }
            guard needsInputGradient else { return nil }
            return dx
        }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            needsInputGradient = inputNeedsGradient
            let a = prepareFlow(bn1, inputNeedsGradient: inputNeedsGradient)
            let s = downsample.map { prepareFlow($0, inputNeedsGradient: a) } ?? inputNeedsGradient
            let f = prepareFlow(residual, inputNeedsGradient: a)
            return f || s
        }

        func countFLOPs(_ t: inout FLOPTally) {
            let start = t
            for case let conv as Conv2D in residual { t.conv(conv) }
            if let d = downsample { t.flops += branchFLOPs(from: start) { $0.conv(d) } }
        }
    }
}
