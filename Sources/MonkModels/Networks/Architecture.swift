// Building the catalogue's models (MonkVocabulary's `Architecture`): one network per name.
import MonkEngine
import MonkVocabulary

extension Architecture {
    /// A freshly initialised network with a `numClasses`-way head; `gluonLayout` builds MXNet
    /// Gluon's variant where it differs from torchvision's (mobilenet_v2's first block).
    public func build(numClasses: Int, rng: inout RNG, gluonLayout: Bool = false) -> any ClassifierNetwork {
        precondition(numClasses > 0, "a classifier needs at least one class")
        let net: any ClassifierNetwork = switch self {
        case .resnet18_v1: ResNet(.resnet18, numClasses: numClasses, rng: &rng)
        case .resnet34_v1: ResNet(.resnet34, numClasses: numClasses, rng: &rng)
        case .resnet50_v1: ResNet(.resnet50, numClasses: numClasses, rng: &rng)
        case .resnet101_v1: ResNet(.resnet101, numClasses: numClasses, rng: &rng)
        case .resnet18_v2: PreActResNet(.resnet18, numClasses: numClasses, rng: &rng)
        case .resnet50_v2: PreActResNet(.resnet50, numClasses: numClasses, rng: &rng)
        case .densenet121: DenseNet(.densenet121, numClasses: numClasses, rng: &rng)
        case .densenet169: DenseNet(.densenet169, numClasses: numClasses, rng: &rng)
        case .mobilenet_v2: MobileNetV2(layout: gluonLayout ? .gluon : .torchvision, numClasses: numClasses, rng: &rng)
        case .efficientnet_lite0: EfficientNetLite(.lite0, numClasses: numClasses, rng: &rng)
        case .efficientnet_lite1: EfficientNetLite(.lite1, numClasses: numClasses, rng: &rng)
        case .efficientnet_lite2: EfficientNetLite(.lite2, numClasses: numClasses, rng: &rng)
        case .tiny_cnn: TinyCNN(numClasses: numClasses, rng: &rng)
        }
        net.prepareBackward()
        // Convolutions run one at a time, so one scratch buffer (the largest layer's) serves all.
        net.shareConvWorkspace()
        return net
    }

    /// Forward GFLOPs for one `size`×`size` image with a 1000-class head, counted from the
    /// layers of a built network (so it costs one network construction; a network you
    /// already have answers `forwardFLOPs(height:width:)` directly).
    public func forwardGFLOPs(size: Int) -> Double {
        var rng = RNG(seed: 0)
        return build(numClasses: 1000, rng: &rng).forwardFLOPs(height: size, width: size) / 1e9
    }
}
