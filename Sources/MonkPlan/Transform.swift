// Image transforms as typed values, in the order they are applied.

/// One step of an image preprocessing chain. Sizes are in pixels, probabilities in [0, 1].
public enum Transform: Codable, Equatable, Hashable, Sendable {
    /// Resize to `size`×`size` (bilinear).
    case resize(size: Int)
    /// Cut the central `size`×`size` square.
    case centerCrop(size: Int)
    /// Cut a random area (`scale` of the image, aspect `ratio`) and resize it to `size`×`size`.
    case randomResizedCrop(size: Int, scale: ClosedInterval, ratio: ClosedInterval)
    /// Pad every side by `padding` zeros, then cut a random `size`×`size` square.
    case randomCrop(size: Int, padding: Int)
    case horizontalFlip(probability: Double)
    case verticalFlip(probability: Double)
    /// Rotate by an angle drawn uniformly from [-degrees, degrees].
    case randomRotation(degrees: Double)
    /// Scale brightness and contrast by factors drawn from [1-x, 1+x].
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
    /// Subtract `mean` and divide by `std`, per channel (values on the 0–1 scale).
    case normalize(mean: [Double], std: [Double])

    /// ImageNet statistics used by pretrained models.
    public static let imagenetMean: [Double] = [0.485, 0.456, 0.406]
    public static let imagenetStd: [Double] = [0.229, 0.224, 0.225]
}

/// A closed range of real numbers, `[lower, upper]`.
public struct ClosedInterval: Codable, Equatable, Hashable, Sendable {
    public var lower: Double
    public var upper: Double

    public init(_ lower: Double, _ upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}
