// A small convolutional classifier for tests and the quickstart: seconds per epoch at 64 px.
import MonkEngine

/// Three conv–BN–ReLU stages (16, 32, 64 channels; the first two followed by 2×2 max
/// pooling), global average pooling and a linear head `fc`: 23,696 parameters before the
/// head, ~0.022 GFLOP per 64×64 image. Initialised like torchvision's ResNet (kaiming normal
/// fan_out, BatchNorm 1/0, default Linear).
public final class TinyCNN: ClassifierNetwork {
    static let widths = [16, 32, 64]

    let conv1: Conv2D
    let bn1: BatchNorm2D   // BN + ReLU, as are bn2 and bn3
    let pool1 = MaxPool2D(kernelSize: 2, stride: 2)
    let conv2: Conv2D
    let bn2: BatchNorm2D
    let pool2 = MaxPool2D(kernelSize: 2, stride: 2)
    let conv3: Conv2D
    let bn3: BatchNorm2D
    let avgpool = GlobalAvgPool()
    public private(set) var fc: Linear
    public var needsInputGradient = true

    public init(numClasses: Int = 1000, rng: inout RNG) {
        let w = Self.widths
        func conv(_ i: Int, _ o: Int) -> Conv2D {
            let c = Conv2D(inChannels: i, outChannels: o, kernelSize: 3, padding: .symmetric(1), bias: false, rng: &rng)
            c.initKaimingNormal(.fanOut, rng: &rng)
            return c
        }
        conv1 = conv(3, w[0]); bn1 = BatchNorm2D(channels: w[0], activation: .relu)
        conv2 = conv(w[0], w[1]); bn2 = BatchNorm2D(channels: w[1], activation: .relu)
        conv3 = conv(w[1], w[2]); bn3 = BatchNorm2D(channels: w[2], activation: .relu)
        fc = Linear(inFeatures: w[2], outFeatures: numClasses, rng: &rng)
    }

    public var numClasses: Int { fc.weight.shape[0] }
    public var headParameterNames: [String] { ["fc.weight", "fc.bias"] }

    public func replaceHead(numClasses: Int, rng: inout RNG) {
        fc = Linear(inFeatures: Self.widths[2], outFeatures: numClasses, rng: &rng)
        prepareBackward()
    }

    public var forwardChain: [Module] {
        [conv1, bn1, pool1, conv2, bn2, pool2, conv3, bn3, avgpool, fc]
    }

    // x: [N, H, W, 3] → [N, H/2, W/2, 16] → [N, H/4, W/4, 32] → [N, H/4, W/4, 64] → [N, 64] → [N, classes]
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        forwardChain.reduce(x) { $1($0, ctx) }
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        backwardChain(forwardChain, dy, ctx)
    }

    public func forwardFLOPs(height: Int, width: Int) -> Double {
        var t = FLOPTally(height: height, width: width)
        t.conv(conv1); t.pool(kernel: 2, stride: 2, padding: 0)
        t.conv(conv2); t.pool(kernel: 2, stride: 2, padding: 0)
        t.conv(conv3)
        t.linear(fc)
        return t.flops
    }
}
