// MobileNetV2: Sandler, Howard, Zhu, Zhmoginov, Chen, "MobileNetV2: Inverted Residuals and
// Linear Bottlenecks" (CVPR 2018, arXiv:1801.04381), width 1.0, as torchvision builds it.
import MonkEngine

/// MobileNetV2 in torchvision's layout: `features.0` (conv–BN–ReLU6 stem), `features.1…17`
/// (inverted residuals, `features.N.conv.*`), `features.18` (1×1 to 1280), `classifier.1`
/// (after dropout 0.2). Convolutions start as kaiming normal (fan_out), BatchNorm as 1/0,
/// the classifier as N(0, 0.01²) with zero bias.
///
/// `Layout.gluon` is MXNet Gluon's `mobilenetv2_1.0` (Monk's mobilenet_v2): its first block
/// keeps the 1×1 expansion convolution that torchvision drops when the expansion factor is 1
/// (32 → 32 channels, BN, ReLU6), named `features.1.conv.0` like the other blocks' expansions.
public final class MobileNetV2: ClassifierNetwork {
    /// Where the network's layout comes from (they differ in the first block only).
    public enum Layout: String, Sendable, CaseIterable {
        case torchvision, gluon
    }

    /// The paper's Table 2: expansion t, output channels c, repeats n, first stride s.
    static let stages: [(t: Int, c: Int, n: Int, s: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]
    public let layout: Layout
    let lastChannels: Int
    let features: [Module]
    public let avgpool = GlobalAvgPool()
    public private(set) var classifier: Classifier
    public var needsInputGradient = true

    public convenience init(layout: Layout = .torchvision, numClasses: Int = 1000, rng: inout RNG) {
        self.init(layout: layout, stemWidth: 32, stageWidths: MobileNetV2.stages.map(\.c), lastChannels: 1280,
                  numClasses: numClasses, rng: &rng)
    }

    /// Any widths for the stem, the seven stages and the last 1×1 convolution (the paper's are
    /// 32, 16…320, 1280); tests use narrow ones to keep reference files small.
    init(layout: Layout, stemWidth: Int, stageWidths: [Int], lastChannels: Int, numClasses: Int, rng: inout RNG) {
        precondition(stageWidths.count == MobileNetV2.stages.count, "one width per stage")
        self.layout = layout
        self.lastChannels = lastChannels
        var layers: [Module] = [convBNReLU6(3, stemWidth, kernel: 3, stride: 2, rng: &rng)]
        var inC = stemWidth
        for (stage, width) in zip(MobileNetV2.stages, stageWidths) {
            for i in 0..<stage.n {
                layers.append(InvertedResidual(inChannels: inC, outChannels: width, stride: i == 0 ? stage.s : 1,
                                               expansion: stage.t, keepExpansion: layout == .gluon, rng: &rng))
                inC = width
            }
        }
        layers.append(convBNReLU6(inC, lastChannels, kernel: 1, stride: 1, rng: &rng))
        features = layers
        classifier = MobileNetV2.makeClassifier(lastChannels, numClasses, &rng)
    }

    static func makeClassifier(_ inFeatures: Int, _ classes: Int, _ rng: inout RNG) -> Classifier {
        let fc = Linear(inFeatures: inFeatures, outFeatures: classes, rng: &rng)
        fc.initNormal(std: 0.01, rng: &rng)
        return Classifier(fc)
    }

    public var numClasses: Int { classifier.linear.weight.shape[0] }
    public var headParameterNames: [String] { ["classifier.1.weight", "classifier.1.bias"] }

    public func replaceHead(numClasses: Int, rng: inout RNG) {
        classifier = MobileNetV2.makeClassifier(lastChannels, numClasses, &rng)
        prepareBackward()
    }

    public var forwardChain: [Module] { features + [avgpool, classifier] }

    // x: [N, H, W, 3] → logits [N, classes]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        let f = features.reduce(x) { $1($0, ctx) }   // [N, H/32, W/32, 1280]
        return classifier(avgpool(f, ctx), ctx)       // [N, 1280] → [N, classes]
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        backwardChain(forwardChain, dy, ctx)
    }

    public func forwardFLOPs(height: Int, width: Int) -> Double {
        var t = FLOPTally(height: height, width: width)
        for layer in features { t.convs(in: layer) }
        t.linear(classifier.linear)
        return t.flops
    }
}

/// torchvision's `Conv2dNormActivation`: conv (no bias, "same"-sized symmetric padding) and
/// BatchNorm with ReLU6 fused in, as a Sequential so the children are named 0 and 1 (the
/// activation, torchvision's parameterless child 2, lives in the BatchNorm).
func convBNReLU6(_ inC: Int, _ outC: Int, kernel: Int, stride: Int, groups: Int = 1, rng: inout RNG) -> Sequential {
    let conv = Conv2D(inChannels: inC, outChannels: outC, kernelSize: kernel, stride: stride,
                      padding: .symmetric((kernel - 1) / 2), groups: groups, bias: false, rng: &rng)
    conv.initKaimingNormal(.fanOut, rng: &rng)
    return Sequential([conv, BatchNorm2D(channels: outC, activation: .relu6)])
}

extension MobileNetV2 {
    /// torchvision's `classifier` Sequential: dropout 0.2 (child "0"), then the linear layer
    /// (child "1").
    public final class Classifier: Module, GradientFlow {
        let dropout = Dropout(p: 0.2)
        public let linear: Linear
        public var needsInputGradient = true

        init(_ linear: Linear) { self.linear = linear }

        public var namedChildren: [(String, Module)] { [("0", dropout), ("1", linear)] }

        // x: [N, 1280] → [N, classes]
        public func forward(_ x: Tensor, _ ctx: Context) -> Tensor { linear(dropout(x, ctx), ctx) }
        public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? { backwardChain([dropout, linear], dy, ctx) }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            needsInputGradient = inputNeedsGradient
            return prepareFlow([dropout, linear], inputNeedsGradient: inputNeedsGradient)
        }
    }

    /// Expand (1×1, ×t, ReLU6) → depthwise 3×3/s (ReLU6) → linear projection (1×1, BN, no
    /// activation); the input is added back when stride is 1 and the width is unchanged.
    final class InvertedResidual: Module, GradientFlow, FLOPCounting {
        let conv: Sequential
        let useResidual: Bool
        var needsInputGradient = true

        /// `keepExpansion`: a 1×1 expansion even when `expansion` is 1 (Gluon's layout).
        init(inChannels: Int, outChannels: Int, stride: Int, expansion: Int, keepExpansion: Bool = false, rng: inout RNG) {
            let hidden = inChannels * expansion
            var layers: [Module] = []
            if expansion != 1 || keepExpansion { layers.append(convBNReLU6(inChannels, hidden, kernel: 1, stride: 1, rng: &rng)) }
            layers.append(convBNReLU6(hidden, hidden, kernel: 3, stride: stride, groups: hidden, rng: &rng))
            let project = Conv2D(inChannels: hidden, outChannels: outChannels, kernelSize: 1, bias: false, rng: &rng)
            project.initKaimingNormal(.fanOut, rng: &rng)
            layers += [project, BatchNorm2D(channels: outChannels)]
            conv = Sequential(layers)
            useResidual = stride == 1 && inChannels == outChannels
        }

        // x: [N, H, W, Cin] → [N, H/s, W/s, Cout]
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
            let y = conv(x, ctx)   // a BatchNorm output: nobody else holds it
            if useResidual { addInPlace(y, x, parallel: ctx.parallel) }
            return y
        }

        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            let dx = conv.backward(dy, ctx)
            guard needsInputGradient, let dx else { return nil }
            if useResidual { addInPlace(dx, dy, parallel: ctx.parallel) }
            return dx
        }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            needsInputGradient = inputNeedsGradient
            return prepareFlow(conv, inputNeedsGradient: inputNeedsGradient) || (useResidual && inputNeedsGradient)
        }

        func countFLOPs(_ t: inout FLOPTally) { t.convs(in: conv) }
    }
}

extension FLOPTally {
    /// Every convolution inside a chain-shaped module (a Sequential, or a block that counts
    /// itself), in order.
    mutating func convs(in m: Module) {
        if let block = m as? FLOPCounting { block.countFLOPs(&self) }
        else if let c = m as? Conv2D { conv(c) }
        else if let seq = m as? Sequential { for l in seq.layers { convs(in: l) } }
    }
}
