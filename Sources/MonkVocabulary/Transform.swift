// Image transforms as typed values, in the order they are applied: declared once, here, for
// the plan (which keys the stage caches with their encoding), the data loader (which applies
// them: MonkData's Transform+Apply.swift) and a checkpoint's sidecar (which records them).

/// One step of an image preprocessing chain. Sizes are in pixels (square), probabilities in
/// [0, 1]. The synthesised Codable form (`{"resize":{"size":224}}`) is part of every stage key:
/// renaming a case or a label changes the keys.
public enum Transform: Codable, Equatable, Hashable, Sendable {
    /// Resize to `size`×`size` (antialiased bilinear; aspect ratio not kept).
    case resize(size: Int)
    /// Cut the central `size`×`size` square (zero-padded if the image is smaller).
    case centerCrop(size: Int)
    /// torchvision's `RandomResizedCrop`: cut a random area (`scale` of the image, aspect
    /// `ratio`) and resize it to `size`×`size`.
    case randomResizedCrop(size: Int, scale: ClosedInterval, ratio: ClosedInterval)
    /// Pad every side by `padding` zeros, then cut a random `size`×`size` square.
    case randomCrop(size: Int, padding: Int)
    /// Mirror left-right with probability `probability`.
    case horizontalFlip(probability: Double)
    /// Mirror top-bottom with probability `probability`.
    case verticalFlip(probability: Double)
    /// Rotate about the centre by an angle drawn uniformly from [-degrees, degrees]; corners 0.
    case randomRotation(degrees: Double)
    /// Scale brightness, then contrast, by factors drawn from [max(0, 1-x), 1+x] (torchvision's
    /// formulas, in this fixed order); results clamped to [0, 1].
    case colorJitter(brightness: Double, contrast: Double)
    /// With probability `probability`, blur with a Gaussian whose sigma (pixels) is drawn
    /// uniformly from `sigma`: another scanner's or detector's sharpness.
    case gaussianBlur(sigma: ClosedInterval, probability: Double)
    /// With probability `probability`, raise every value (0–1 scale) to a power drawn uniformly
    /// from `gamma`: another exposure curve.
    case randomGamma(gamma: ClosedInterval, probability: Double)
    /// With probability `probability`, encode as JPEG at a quality drawn uniformly from
    /// `quality` (whole numbers 1–100) and decode again: another archive's compression.
    case jpegQuality(quality: ClosedInterval, probability: Double)
    /// Histogram equalisation of each channel, Pillow's `ImageOps.equalize` (values taken to
    /// whole 0–255 levels first): the same picture under another exposure, contrast or
    /// gamma curve comes out (nearly) the same. Deterministic; put it in both lists, first.
    case equalize
    /// Subtract `mean` and divide by `std`, per channel (values on the 0–1 scale; one value
    /// each serves all three channels). The loader does this last, as the batch is filled.
    case normalize(mean: [Double], std: [Double])
    /// Luma in all three channels: 0.299 R + 0.587 G + 0.114 B (ITU-R 601, Pillow's "L"), so
    /// colour and gray images reach a 3-channel network alike. Not written in a spec: monkpipe
    /// puts it first when `data.color` is `grayscale`.
    case grayscale

    /// ImageNet statistics used by pretrained models.
    public static let imagenetMean: [Double] = [0.485, 0.456, 0.406]
    public static let imagenetStd: [Double] = [0.229, 0.224, 0.225]

    /// The word a spec writes for this step; nil for `grayscale`, which a spec cannot write.
    public var kind: TransformKind? {
        switch self {
        case .resize: .resize
        case .centerCrop: .centerCrop
        case .randomResizedCrop: .randomResizedCrop
        case .randomCrop: .randomCrop
        case .horizontalFlip: .horizontalFlip
        case .verticalFlip: .verticalFlip
        case .randomRotation: .randomRotation
        case .colorJitter: .colorJitter
        case .gaussianBlur: .gaussianBlur
        case .randomGamma: .randomGamma
        case .jpegQuality: .jpegQuality
        case .equalize: .equalize
        case .normalize: .normalize
        case .grayscale: nil
        }
    }

    /// Whether the step draws random numbers (and so differs between epochs).
    public var isRandom: Bool {
        switch self {
        case .resize, .centerCrop, .equalize, .normalize, .grayscale: false
        default: true
        }
    }

    /// torchvision's `RandomResizedCrop(size)` with its default scale and ratio.
    public static func randomResizedCrop(size: Int) -> Transform {
        .randomResizedCrop(size: size, scale: TransformDefaults.resizedCropScale, ratio: TransformDefaults.resizedCropRatio)
    }
}

/// A closed range of real numbers, `[lower, upper]` (Codable as `{"lower":…, "upper":…}`).
/// Whoever builds one from outside input checks `lower <= upper` (the plan does, with the line).
public struct ClosedInterval: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var lower: Double
    public var upper: Double

    public init(_ lower: Double, _ upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    public var description: String { "[\(lower), \(upper)]" }
}
