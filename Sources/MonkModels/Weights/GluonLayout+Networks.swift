// Gluon's model zoo layouts (mxnet.gluon.model_zoo.vision, MXNet 1.x) of the networks Monk
// took from it, written in Gluon's creation order so that the prefixed names count right.
import MonkEngine

extension GluonWeights {
    /// The Gluon layers of `network`, read from the built network itself (block counts,
    /// projections), so that any depth or width of a family maps.
    static func gluonLayers(of network: Module) throws -> [GluonLayer] {
        var b = GluonLayoutBuilder()
        switch network {
        case let net as ResNet:
            guard !net.depth.usesBottleneck else {
                throw GluonWeightsError.noGluonLayout(network: networkName(net), why:
                    "Gluon's \(networkName(net)) is a different network from monkpipe's (torchvision's layout): its " +
                    "bottlenecks put the stride on the first 1×1 convolution instead of the 3×3 one, and give the 1×1 " +
                    "convolutions biases. Use torchvision's file for this model (pretrained: true), or Gluon's " +
                    "resnet50_v2 / resnet18_v1 with the matching monkpipe model.")
            }
            resNetV1(net, &b)
        case let net as PreActResNet: preActResNet(net, &b)
        case let net as DenseNet: denseNet(net, &b)
        case let net as MobileNetV2:
            guard net.layout == .gluon else {
                throw GluonWeightsError.noGluonLayout(network: "mobilenet_v2", why:
                    "the network was built in torchvision's layout; Gluon's mobilenetv2_1.0 needs the first block's 1×1 expansion")
            }
            mobileNetV2(net, &b)
        default:
            throw GluonWeightsError.noGluonLayout(network: networkName(network), why:
                "MXNet Gluon's model zoo has no such model; Gluon files are read for resnet18_v1, resnet18_v2, resnet50_v2, " +
                "densenet121, densenet169 and mobilenet_v2")
        }
        return b.layers
    }

    /// Monk's name of a network, for messages.
    static func networkName(_ network: Module) -> String {
        switch network {
        case let n as ResNet: "resnet\(n.depth.rawValue)_v1"
        case let n as PreActResNet: "resnet\(n.depth.rawValue)_v2"
        case let n as DenseNet: "densenet\(n.depth.rawValue)"
        case is MobileNetV2: "mobilenet_v2"
        case let n as EfficientNetLite: "efficientnet_lite\(n.variant.rawValue)"
        default: String(describing: type(of: network)).lowercased()
        }
    }

    /// `ResNetV1` with `BasicBlockV1` (resnet18_v1): conv, BN, ReLU, max pool, stages at
    /// `features.4…7` (`body.0/1/3/4`, `downsample.0/1`), `output`.
    static func resNetV1(_ net: ResNet, _ b: inout GluonLayoutBuilder) {
        b.conv("features.0", "conv1")
        b.batchNorm("features.1", "bn1")
        for (s, stage) in [net.layer1, net.layer2, net.layer3, net.layer4].enumerated() {
            b.scope = "stage\(s + 1)_"
            for (i, block) in stage.enumerated() {
                let g = "features.\(4 + s).\(i)", t = "layer\(s + 1).\(i)"
                b.conv("\(g).body.0", "\(t).conv1")
                b.batchNorm("\(g).body.1", "\(t).bn1")
                b.conv("\(g).body.3", "\(t).conv2")
                b.batchNorm("\(g).body.4", "\(t).bn2")
                if (block as? ResNet.BasicBlock)?.downsample != nil {
                    b.conv("\(g).downsample.0", "\(t).downsample.0")
                    b.batchNorm("\(g).downsample.1", "\(t).downsample.1")
                }
            }
        }
        b.scope = ""
        b.dense("output", "fc")
    }

    /// `ResNetV2` (resnet18_v2, resnet50_v2): the input BatchNorm without scale and shift,
    /// conv, BN, ReLU, max pool, stages at `features.5…8` (`bn1, conv1, bn2, conv2[, bn3,
    /// conv3]`, then `downsample`), the final BN at `features.9`, `output`.
    static func preActResNet(_ net: PreActResNet, _ b: inout GluonLayoutBuilder) {
        b.inputNorm("features.0", "bn_data")
        b.conv("features.1", "conv1")
        b.batchNorm("features.2", "bn1")
        for (s, stage) in [net.layer1, net.layer2, net.layer3, net.layer4].enumerated() {
            b.scope = "stage\(s + 1)_"
            for (i, block) in stage.enumerated() {
                let g = "features.\(5 + s).\(i)", t = "layer\(s + 1).\(i)"
                b.batchNorm("\(g).bn1", "\(t).bn1")
                b.conv("\(g).conv1", "\(t).conv1")
                b.batchNorm("\(g).bn2", "\(t).bn2")
                b.conv("\(g).conv2", "\(t).conv2")
                if block.conv3 != nil {
                    b.batchNorm("\(g).bn3", "\(t).bn3")
                    b.conv("\(g).conv3", "\(t).conv3")
                }
                if block.downsample != nil { b.conv("\(g).downsample", "\(t).downsample") }
            }
        }
        b.scope = ""
        b.batchNorm("features.9", "bn_final")
        b.dense("output", "fc")
    }

    /// `DenseNet`: conv, BN, ReLU, max pool, then dense blocks (scope `stageK_`, each layer a
    /// `HybridConcurrent` whose child 1 is BN, ReLU, conv 1×1, BN, ReLU, conv 3×3) alternating
    /// with transitions (BN, ReLU, conv 1×1, avg pool) at the top level, the final BN, `output`.
    static func denseNet(_ net: DenseNet, _ b: inout GluonLayoutBuilder) {
        let f = net.features
        b.conv("features.0", "features.conv0")
        b.batchNorm("features.1", "features.norm0")
        let blocks = [f.denseblock1, f.denseblock2, f.denseblock3, f.denseblock4]
        for (k, block) in blocks.enumerated() {
            b.scope = "stage\(k + 1)_"
            for l in 0..<block.layers.count {
                let g = "features.\(4 + 2 * k).\(l).1", t = "features.denseblock\(k + 1).denselayer\(l + 1)"
                b.batchNorm("\(g).0", "\(t).norm1")
                b.conv("\(g).2", "\(t).conv1")
                b.batchNorm("\(g).3", "\(t).norm2")
                b.conv("\(g).5", "\(t).conv2")
            }
            b.scope = ""
            if k < 3 {
                b.batchNorm("features.\(5 + 2 * k).0", "features.transition\(k + 1).norm")
                b.conv("features.\(5 + 2 * k).2", "features.transition\(k + 1).conv")
            }
        }
        b.batchNorm("features.11", "features.norm5")
        b.dense("output", "classifier")
    }

    /// `MobileNetV2` (mobilenetv2_1.0): scope `features_`: conv, BN, ReLU6, seventeen
    /// `LinearBottleneck`s (scope `…linearbottleneckN_`, `out.0/1` expansion, `out.3/4`
    /// depthwise, `out.6/7` projection), conv 1×1, BN; then `output.0`, a 1×1 convolution
    /// without bias (`output_pred_`).
    static func mobileNetV2(_ net: MobileNetV2, _ b: inout GluonLayoutBuilder) {
        b.scope = "features_"
        b.conv("features.0", "features.0.0")
        b.batchNorm("features.1", "features.0.1")
        let blocks = net.features.count - 2
        for i in 0..<blocks {
            b.scope = "features_linearbottleneck\(i)_"
            let g = "features.\(3 + i).out", t = "features.\(1 + i).conv"
            b.conv("\(g).0", "\(t).0.0")
            b.batchNorm("\(g).1", "\(t).0.1")
            b.conv("\(g).3", "\(t).1.0")
            b.batchNorm("\(g).4", "\(t).1.1")
            b.conv("\(g).6", "\(t).2")
            b.batchNorm("\(g).7", "\(t).3")
        }
        b.scope = "features_"
        b.conv("features.\(3 + blocks)", "features.\(1 + blocks).0")
        b.batchNorm("features.\(4 + blocks)", "features.\(1 + blocks).1")
        b.scope = ""
        b.convClassifier("output.0", prefixed: "output_pred", "classifier.1")
    }
}
