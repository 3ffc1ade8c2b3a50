// ResNet v1: He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition" (CVPR 2016,
// arXiv:1512.03385), exactly as torchvision builds it — names, shapes and initialisation.
import MonkEngine

/// ResNet-18/34/50/101 in torchvision's layout: `conv1`, `bn1`, `layer1.0.conv1`, …,
/// `layer2.0.downsample.0/1`, `fc`. The bottleneck puts the stride on its 3×3 convolution
/// (torchvision's "v1.5"). Convolutions start as kaiming normal (fan_out), BatchNorm as 1/0,
/// the head with PyTorch's Linear default.
public final class ResNet: ClassifierNetwork {
    /// The variants of the paper's Table 1.
    public enum Depth: Int, Sendable, CaseIterable {
        case resnet18 = 18, resnet34 = 34, resnet50 = 50, resnet101 = 101

        /// Residual blocks in each of the four stages.
        public var blockCounts: [Int] {
            switch self {
            case .resnet18: [2, 2, 2, 2]
            case .resnet34, .resnet50: [3, 4, 6, 3]
            case .resnet101: [3, 4, 23, 3]
            }
        }

        /// Two 3×3 convolutions per block (18/34) or 1×1–3×3–1×1 bottlenecks (50/101).
        public var usesBottleneck: Bool { rawValue >= 50 }
        var expansion: Int { usesBottleneck ? 4 : 1 }
    }

    public let depth: Depth
    public let conv1: Conv2D
    public let bn1: BatchNorm2D   // with the ReLU fused in
    public let maxpool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
    let layer1: [ResNetBlock]
    let layer2: [ResNetBlock]
    let layer3: [ResNetBlock]
    let layer4: [ResNetBlock]
    public let avgpool = GlobalAvgPool()
    public private(set) var fc: Linear
    public var needsInputGradient = true

    public convenience init(_ depth: Depth, numClasses: Int = 1000, rng: inout RNG) {
        self.init(depth, widths: [64, 128, 256, 512], numClasses: numClasses, rng: &rng)
    }

    /// `widths`: the four stages' widths (the stem has the first); the paper's are 64…512,
    /// tests use narrower ones to keep reference files small.
    init(_ depth: Depth, widths: [Int], numClasses: Int, rng: inout RNG) {
        precondition(widths.count == 4, "four stage widths")
        self.depth = depth
        conv1 = Conv2D(inChannels: 3, outChannels: widths[0], kernelSize: 7, stride: 2, padding: .symmetric(3), bias: false, rng: &rng)
        conv1.initKaimingNormal(.fanOut, rng: &rng)
        bn1 = BatchNorm2D(channels: widths[0], activation: .relu)
        var inC = widths[0]
        func stage(_ width: Int, _ count: Int, _ stride: Int) -> [ResNetBlock] {
            (0..<count).map { i in
                let block: ResNetBlock = depth.usesBottleneck
                    ? Bottleneck(inChannels: inC, width: width, stride: i == 0 ? stride : 1, rng: &rng)
                    : BasicBlock(inChannels: inC, width: width, stride: i == 0 ? stride : 1, rng: &rng)
                inC = width * depth.expansion
                return block
            }
        }
        let n = depth.blockCounts
        layer1 = stage(widths[0], n[0], 1)
        layer2 = stage(widths[1], n[1], 2)
        layer3 = stage(widths[2], n[2], 2)
        layer4 = stage(widths[3], n[3], 2)
        fc = Linear(inFeatures: inC, outFeatures: numClasses, rng: &rng)
    }

    public var numClasses: Int { fc.weight.shape[0] }
    public var headParameterNames: [String] { ["fc.weight", "fc.bias"] }

    public func replaceHead(numClasses: Int, rng: inout RNG) {
        fc = Linear(inFeatures: fc.weight.shape[1], outFeatures: numClasses, rng: &rng)
        prepareBackward()
    }

    var blocks: [ResNetBlock] { layer1 + layer2 + layer3 + layer4 }

    public var forwardChain: [Module] { [conv1, bn1, maxpool] + blocks + [avgpool, fc] }

    // x: [N, H, W, 3] → logits [N, classes]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        var h = conv1(x, ctx)                      // [N, H/2, W/2, 64]
        h = bn1(h, ctx)                            // BN + ReLU
        h = maxpool(h, ctx)                        // [N, H/4, W/4, 64]
        for block in blocks { h = block(h, ctx) }  // … [N, H/32, W/32, 512·expansion]
        h = avgpool(h, ctx)                        // [N, 512·expansion]
        return fc(h, ctx)                          // [N, classes]
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

/// A residual block of either kind, as stored in `layer1…layer4`.
protocol ResNetBlock: Module, GradientFlow, FLOPCounting {}

extension ResNet {
    /// torchvision's `downsample`: a strided 1×1 convolution and BatchNorm on the shortcut
    /// when the block changes resolution or width (option B of the paper). Children are
    /// named "0" and "1" as in `nn.Sequential`.
    final class Projection: Module, GradientFlow {
        let conv: Conv2D
        let bn: BatchNorm2D
        var needsInputGradient = true

        init(inChannels: Int, outChannels: Int, stride: Int, rng: inout RNG) {
            conv = Conv2D(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, stride: stride, bias: false, rng: &rng)
            conv.initKaimingNormal(.fanOut, rng: &rng)
            bn = BatchNorm2D(channels: outChannels)
        }

        var namedChildren: [(String, Module)] { [("0", conv), ("1", bn)] }

        // x: [N, H, W, Cin] → [N, H/s, W/s, Cout]
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor { bn(conv(x, ctx), ctx) }
        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? { backwardChain([conv, bn], dy, ctx) }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            needsInputGradient = inputNeedsGradient
            return prepareFlow([conv, bn], inputNeedsGradient: inputNeedsGradient)
        }
    }

    /// out = ReLU(BN(conv3×3(ReLU(BN(conv3×3/s(x))))) + shortcut(x)), ResNet-18/34.
    final class BasicBlock: ResNetBlock {
        let conv1: Conv2D
        let bn1: BatchNorm2D   // BN + ReLU
        let conv2: Conv2D
        let bn2: BatchNorm2D
        let downsample: Projection?
        var needsInputGradient = true
        private var output: Tensor?

        init(inChannels: Int, width: Int, stride: Int, rng: inout RNG) {
            conv1 = Conv2D(inChannels: inChannels, outChannels: width, kernelSize: 3, stride: stride, padding: .symmetric(1), bias: false, rng: &rng)
            conv1.initKaimingNormal(.fanOut, rng: &rng)
            bn1 = BatchNorm2D(channels: width, activation: .relu)
            conv2 = Conv2D(inChannels: width, outChannels: width, kernelSize: 3, padding: .symmetric(1), bias: false, rng: &rng)
            conv2.initKaimingNormal(.fanOut, rng: &rng)
            bn2 = BatchNorm2D(channels: width)
            downsample = stride != 1 || inChannels != width
                ? Projection(inChannels: inChannels, outChannels: width, stride: stride, rng: &rng) : nil
        }

        var mainBranch: [Module] { [conv1, bn1, conv2, bn2] }

        // x: [N, H, W, Cin] → [N, H/s, W/s, width]
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
            let h = conv2(bn1(conv1(x, ctx), ctx), ctx)
            // bn2, the shortcut add and the ReLU in one pass.
            let y = bn2.forward(h, addingThenReLU: downsample.map { $0(x, ctx) } ?? x, ctx)
            output = ctx.keepsForBackward ? y : nil
            return y
        }

        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            residualBackward(dy, output: output, main: mainBranch, shortcut: downsample, needsInputGradient, ctx)
        }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            residualPrepare(self, main: mainBranch, shortcut: downsample, inputNeedsGradient)
        }

        func countFLOPs(_ t: inout FLOPTally) {
            let start = t
            t.conv(conv1); t.conv(conv2)
            if let d = downsample { t.flops += branchFLOPs(from: start) { $0.conv(d.conv) } }
        }
    }

    /// out = ReLU(BN(conv1×1(ReLU(BN(conv3×3/s(ReLU(BN(conv1×1(x))))))) + shortcut(x)), with
    /// 4× expansion in the last 1×1 (ResNet-50/101).
    final class Bottleneck: ResNetBlock {
        let conv1: Conv2D
        let bn1: BatchNorm2D   // BN + ReLU
        let conv2: Conv2D
        let bn2: BatchNorm2D   // BN + ReLU
        let conv3: Conv2D
        let bn3: BatchNorm2D
        let downsample: Projection?
        var needsInputGradient = true
        private var output: Tensor?

        init(inChannels: Int, width: Int, stride: Int, rng: inout RNG) {
            let out = width * 4
            conv1 = Conv2D(inChannels: inChannels, outChannels: width, kernelSize: 1, bias: false, rng: &rng)
            conv1.initKaimingNormal(.fanOut, rng: &rng)
            bn1 = BatchNorm2D(channels: width, activation: .relu)
            conv2 = Conv2D(inChannels: width, outChannels: width, kernelSize: 3, stride: stride, padding: .symmetric(1), bias: false, rng: &rng)
            conv2.initKaimingNormal(.fanOut, rng: &rng)
            bn2 = BatchNorm2D(channels: width, activation: .relu)
            conv3 = Conv2D(inChannels: width, outChannels: out, kernelSize: 1, bias: false, rng: &rng)
            conv3.initKaimingNormal(.fanOut, rng: &rng)
            bn3 = BatchNorm2D(channels: out)
            downsample = stride != 1 || inChannels != out
                ? Projection(inChannels: inChannels, outChannels: out, stride: stride, rng: &rng) : nil
        }

        var mainBranch: [Module] { [conv1, bn1, conv2, bn2, conv3, bn3] }

        // x: [N, H, W, Cin] → [N, H/s, W/s, 4·width]
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
            let h = conv3(bn2(conv2(bn1(conv1(x, ctx), ctx), ctx), ctx), ctx)
            // bn3, the shortcut add and the ReLU in one pass.
            let y = bn3.forward(h, addingThenReLU: downsample.map { $0(x, ctx) } ?? x, ctx)
            output = ctx.keepsForBackward ? y : nil
            return y
        }

        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
            residualBackward(dy, output: output, main: mainBranch, shortcut: downsample, needsInputGradient, ctx)
        }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            residualPrepare(self, main: mainBranch, shortcut: downsample, inputNeedsGradient)
        }

        func countFLOPs(_ t: inout FLOPTally) {
            let start = t
            t.conv(conv1); t.conv(conv2); t.conv(conv3)
            if let d = downsample { t.flops += branchFLOPs(from: start) { $0.conv(d.conv) } }
        }
    }
}
