// DenseNet: Huang, Liu, van der Maaten, Weinberger, "Densely Connected Convolutional
// Networks" (CVPR 2017, arXiv:1608.06993), DenseNet-BC as torchvision builds it.
import MonkEngine

/// DenseNet-121/169 in torchvision's layout: `features.conv0`, `features.norm0`,
/// `features.denseblockB.denselayerL.norm1/conv1/norm2/conv2`, `features.transitionB.norm/conv`,
/// `features.norm5`, `classifier`. Growth rate 32, bottleneck width 4·32, compression 0.5,
/// no dropout. Convolutions start as kaiming normal (fan_in), BatchNorm as 1/0, the
/// classifier's bias as 0.
public final class DenseNet: ClassifierNetwork {
    /// The variants of the paper's Table 1.
    public enum Depth: Int, Sendable, CaseIterable {
        case densenet121 = 121, densenet169 = 169

        /// Dense layers in each of the four blocks.
        public var blockCounts: [Int] { self == .densenet121 ? [6, 12, 24, 16] : [6, 12, 32, 32] }
    }

    static let growthRate = 32

    public let depth: Depth
    let features: Features   // ends with norm5, whose fused ReLU is the network's last activation
    public let avgpool = GlobalAvgPool()
    public private(set) var classifier: Linear
    public var needsInputGradient = true

    public convenience init(_ depth: Depth, numClasses: Int = 1000, rng: inout RNG) {
        self.init(depth, blockCounts: depth.blockCounts, initFeatures: 64, growthRate: DenseNet.growthRate,
                  numClasses: numClasses, rng: &rng)
    }

    /// Any block counts and widths (the bottleneck is 4 × the growth rate, as in the paper);
    /// tests use narrow ones to keep reference files small.
    init(_ depth: Depth, blockCounts: [Int], initFeatures: Int, growthRate: Int, numClasses: Int, rng: inout RNG) {
        self.depth = depth
        features = Features(blockCounts: blockCounts, initFeatures: initFeatures, growthRate: growthRate, rng: &rng)
        classifier = DenseNet.makeClassifier(features.outChannels, numClasses, &rng)
    }

    static func makeClassifier(_ inFeatures: Int, _ classes: Int, _ rng: inout RNG) -> Linear {
        let l = Linear(inFeatures: inFeatures, outFeatures: classes, rng: &rng)
        l.bias?.value.zero()
        return l
    }

    public var numClasses: Int { classifier.weight.shape[0] }
    public var headParameterNames: [String] { ["classifier.weight", "classifier.bias"] }

    public func replaceHead(numClasses: Int, rng: inout RNG) {
        classifier = DenseNet.makeClassifier(features.outChannels, numClasses, &rng)
        prepareBackward()
    }

    public var forwardChain: [Module] { features.chain + [avgpool, classifier] }

    // x: [N, H, W, 3] → logits [N, classes]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        let f = features(x, ctx)                 // [N, H/32, W/32, 1024 (121) | 1664 (169)], activated
        return classifier(avgpool(f, ctx), ctx)
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        backwardChain(forwardChain, dy, ctx)
    }

    public func forwardFLOPs(height: Int, width: Int) -> Double {
        var t = FLOPTally(height: height, width: width)
        t.conv(features.conv0)
        t.pool(kernel: 3, stride: 2, padding: 1)
        for case let block as FLOPCounting in features.chain { block.countFLOPs(&t) }
        t.linear(classifier)
        return t.flops
    }
}

extension DenseNet {
    /// torchvision's `features` Sequential, with its named children.
    final class Features: Module {
        let conv0: Conv2D
        let norm0: BatchNorm2D   // BN + ReLU (torchvision's relu0)
        let pool0 = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
        // Declared in forward order: reflection names and orders the state dict from these.
        let denseblock1: DenseBlock
        let transition1: Transition
        let denseblock2: DenseBlock
        let transition2: Transition
        let denseblock3: DenseBlock
        let transition3: Transition
        let denseblock4: DenseBlock
        let norm5: BatchNorm2D
        let outChannels: Int
        var needsInputGradient = true

        init(blockCounts n: [Int], initFeatures: Int, growthRate: Int, rng: inout RNG) {
            conv0 = Conv2D(inChannels: 3, outChannels: initFeatures, kernelSize: 7, stride: 2, padding: .symmetric(3), bias: false, rng: &rng)
            conv0.initKaimingNormal(.fanIn, rng: &rng)
            norm0 = BatchNorm2D(channels: initFeatures, activation: .relu)
            var c = initFeatures
            func block(_ layers: Int) -> DenseBlock {
                defer { c += layers * growthRate }
                return DenseBlock(inChannels: c, layers: layers, growthRate: growthRate,
                                  bottleneckWidth: 4 * growthRate, rng: &rng)
            }
            func transition() -> Transition {
                defer { c /= 2 }
                return Transition(inChannels: c, rng: &rng)
            }
            denseblock1 = block(n[0]); transition1 = transition()   // 64 → 256 → 128
            denseblock2 = block(n[1]); transition2 = transition()   // 128 → 512 → 256
            denseblock3 = block(n[2]); transition3 = transition()   // 256 → 1024 | 1280 → 512 | 640
            denseblock4 = block(n[3])                               // → 1024 | 1664
            // torchvision applies F.relu after `features`; fusing it here changes no value.
            norm5 = BatchNorm2D(channels: c, activation: .relu)
            outChannels = c
        }

        var chain: [Module] {
            [conv0, norm0, pool0, denseblock1, transition1, denseblock2, transition2,
             denseblock3, transition3, denseblock4, norm5]
        }

        // x: [N, H, W, 3] → [N, H/32, W/32, outChannels], after the final ReLU.
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor { chain.reduce(x) { $1($0, ctx) } }
        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? { backwardChain(chain, dy, ctx) }
    }

    /// BN → ReLU → conv1×1 (C → C/2) → 2×2 average pool, between dense blocks.
    final class Transition: Module, GradientFlow, FLOPCounting {
        let norm: BatchNorm2D   // BN + ReLU
        let conv: Conv2D
        let pool = AvgPool2D(kernelSize: 2, stride: 2)
        var needsInputGradient = true

        init(inChannels: Int, rng: inout RNG) {
            norm = BatchNorm2D(channels: inChannels, activation: .relu)
            conv = Conv2D(inChannels: inChannels, outChannels: inChannels / 2, kernelSize: 1, bias: false, rng: &rng)
            conv.initKaimingNormal(.fanIn, rng: &rng)
        }

        var chain: [Module] { [norm, conv, pool] }

        // x: [N, H, W, C] → [N, H/2, W/2, C/2]
        func forward(_ x: Tensor, _ ctx: Context) -> Tensor { chain.reduce(x) { $1($0, ctx) } }
        func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? { backwardChain(chain, dy, ctx) }

        func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool {
            needsInputGradient = inputNeedsGradient
            return prepareFlow(chain, inputNeedsGradient: inputNeedsGradient)
        }

        func countFLOPs(_ t: inout FLOPTally) {
            t.conv(conv)
            t.pool(kernel: 2, stride: 2, padding: 0)
        }
    }
}
