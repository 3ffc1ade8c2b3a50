// Transforms as written: one `name: value` pair per list item, or a bare name whose value
// is left to its default (nil here). The words are TransformKind's.
import MonkVocabulary

public enum TransformSpec: Codable, Equatable, Sendable {
    case resize(Int?)
    case centerCrop(Int?)
    case randomResizedCrop(CropSpec?)
    case randomCrop(CropSpec?)
    case horizontalFlip(Double?)
    case verticalFlip(Double?)
    case randomRotation(Double)
    case colorJitter(ColorJitterSpec)
    case gaussianBlur(BlurSpec?)
    case randomGamma(GammaSpec?)
    case jpegQuality(JPEGQualitySpec?)
    /// Takes no settings: written bare (`- equalize`).
    case equalize
    case normalize(NormalizeSpec?)

    /// The names used in the file: the vocabulary's transform words.
    public typealias Name = TransformKind

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: TransformKind.self)
        guard let name = c.allKeys.first, c.allKeys.count == 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "one transform per item"))
        }
        switch name {
        case .resize: self = .resize(try c.decodeIfPresent(Int.self, forKey: name))
        case .centerCrop: self = .centerCrop(try c.decodeIfPresent(Int.self, forKey: name))
        case .randomResizedCrop: self = .randomResizedCrop(try c.decodeIfPresent(CropSpec.self, forKey: name))
        case .randomCrop: self = .randomCrop(try c.decodeIfPresent(CropSpec.self, forKey: name))
        case .horizontalFlip: self = .horizontalFlip(try c.decodeIfPresent(Double.self, forKey: name))
        case .verticalFlip: self = .verticalFlip(try c.decodeIfPresent(Double.self, forKey: name))
        case .randomRotation: self = .randomRotation(try c.decode(Double.self, forKey: name))
        case .colorJitter: self = .colorJitter(try c.decode(ColorJitterSpec.self, forKey: name))
        case .gaussianBlur: self = .gaussianBlur(try c.decodeIfPresent(BlurSpec.self, forKey: name))
        case .randomGamma: self = .randomGamma(try c.decodeIfPresent(GammaSpec.self, forKey: name))
        case .jpegQuality: self = .jpegQuality(try c.decodeIfPresent(JPEGQualitySpec.self, forKey: name))
        case .equalize: self = .equalize
        case .normalize: self = .normalize(try c.decodeIfPresent(NormalizeSpec.self, forKey: name))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: TransformKind.self)
        switch self {
        case .resize(let v): try c.encode(v, forKey: .resize)
        case .centerCrop(let v): try c.encode(v, forKey: .centerCrop)
        case .randomResizedCrop(let v): try c.encode(v, forKey: .randomResizedCrop)
        case .randomCrop(let v): try c.encode(v, forKey: .randomCrop)
        case .horizontalFlip(let v): try c.encode(v, forKey: .horizontalFlip)
        case .verticalFlip(let v): try c.encode(v, forKey: .verticalFlip)
        case .randomRotation(let v): try c.encode(v, forKey: .randomRotation)
        case .colorJitter(let v): try c.encode(v, forKey: .colorJitter)
        case .gaussianBlur(let v): try c.encode(v, forKey: .gaussianBlur)
        case .randomGamma(let v): try c.encode(v, forKey: .randomGamma)
        case .jpegQuality(let v): try c.encode(v, forKey: .jpegQuality)
        case .equalize: try c.encodeNil(forKey: .equalize)
        case .normalize(let v): try c.encode(v, forKey: .normalize)
        }
    }
}

/// `random_resized_crop` / `random_crop` settings; a bare number is the size.
public struct CropSpec: Codable, Equatable, Sendable {
    public var size: Int?
    public var scale: [Double]?
    public var ratio: [Double]?
    public var padding: Int?

    enum CodingKeys: String, CodingKey { case size, scale, ratio, padding }

    public init(size: Int?, scale: [Double]? = nil, ratio: [Double]? = nil, padding: Int? = nil) {
        self.size = size
        self.scale = scale
        self.ratio = ratio
        self.padding = padding
    }

    public init(from decoder: any Decoder) throws {
        if let size = try? decoder.singleValueContainer().decode(Int.self) {
            self.init(size: size)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(size: try c.decodeIfPresent(Int.self, forKey: .size),
                  scale: try c.decodeIfPresent([Double].self, forKey: .scale),
                  ratio: try c.decodeIfPresent([Double].self, forKey: .ratio),
                  padding: try c.decodeIfPresent(Int.self, forKey: .padding))
    }
}

public struct ColorJitterSpec: Codable, Equatable, Sendable {
    public var brightness: Double?
    public var contrast: Double?
}

/// `gaussian_blur` settings: the sigma range in pixels and how often to blur.
public struct BlurSpec: Codable, Equatable, Sendable {
    public var sigma: [Double]?
    public var p: Double?
}

/// `random_gamma` settings: the exponent range and how often to apply it.
public struct GammaSpec: Codable, Equatable, Sendable {
    public var gamma: [Double]?
    public var p: Double?
}

/// `jpeg_quality` settings: the JPEG quality range and how often to re-encode.
public struct JPEGQualitySpec: Codable, Equatable, Sendable {
    public var quality: [Double]?
    public var p: Double?
}

/// `imagenet`, or explicit per-channel statistics.
public enum NormalizeSpec: Codable, Equatable, Sendable {
    case imagenet
    case custom(mean: [Double], std: [Double])

    enum CodingKeys: String, CodingKey { case mean, std }

    public init(from decoder: any Decoder) throws {
        if (try? decoder.singleValueContainer().decode(String.self)) != nil {
            self = .imagenet
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self = .custom(mean: try c.decode([Double].self, forKey: .mean), std: try c.decode([Double].self, forKey: .std))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .imagenet:
            var c = encoder.singleValueContainer()
            try c.encode("imagenet")
        case .custom(let mean, let std):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(mean, forKey: .mean)
            try c.encode(std, forKey: .std)
        }
    }
}
