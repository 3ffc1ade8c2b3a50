// The transforms a spec can name, declared once: their words (the spec's keys), one line of
// documentation each, and the values a spec gets for what it leaves out. The format, the
// JSON Schema, the planner and the loader's `randomResizedCrop(size:)` all read this table.

/// The word a spec writes for one transform (`- horizontal_flip: 0.2`).
public enum TransformKind: String, Vocabulary, CodingKey {
    case resize
    case centerCrop = "center_crop"
    case randomResizedCrop = "random_resized_crop"
    case randomCrop = "random_crop"
    case horizontalFlip = "horizontal_flip"
    case verticalFlip = "vertical_flip"
    case randomRotation = "random_rotation"
    case colorJitter = "color_jitter"
    case gaussianBlur = "gaussian_blur"
    case randomGamma = "random_gamma"
    case jpegQuality = "jpeg_quality"
    case equalize
    case normalize

    public static let concept = "transform"

    public var summary: String {
        switch self {
        case .resize: "resize to N×N"
        case .centerCrop: "central N×N crop"
        case .randomResizedCrop: "random area and aspect, resized to N×N"
        case .randomCrop: "random N×N crop after optional padding"
        case .horizontalFlip, .verticalFlip: "flip with probability p"
        case .randomRotation: "rotate by up to ± degrees"
        case .colorJitter: "random brightness and contrast"
        case .gaussianBlur: "random Gaussian blur (another detector's sharpness)"
        case .randomGamma: "random gamma curve (another exposure)"
        case .jpegQuality: "JPEG re-compression at a random quality (another archive)"
        case .equalize: "histogram equalisation, as Pillow's ImageOps.equalize (removes exposure and contrast differences)"
        case .normalize: "imagenet or {mean, std}"
        }
    }
}

/// What a transform written bare, or with some settings left out, gets. Sizes left out are the
/// experiment's `input_size` and `normalize` left bare is ImageNet's statistics
/// (`Transform.imagenetMean`/`imagenetStd`); everything else is here.
public enum TransformDefaults {
    /// horizontal_flip, vertical_flip.
    public static let flipProbability = 0.5
    /// random_resized_crop: torchvision's defaults.
    public static let resizedCropScale = ClosedInterval(0.08, 1)
    public static let resizedCropRatio = ClosedInterval(3.0 / 4, 4.0 / 3)
    /// random_crop: zeros added on each side before cutting.
    public static let cropPadding = 0
    /// color_jitter: an amount left out does not change that property.
    public static let jitter = 0.0
    /// gaussian_blur: sigma in pixels.
    public static let blurSigma = ClosedInterval(0.1, 2.0)
    public static let blurProbability = 0.5
    /// random_gamma.
    public static let gamma = ClosedInterval(0.7, 1.5)
    public static let gammaProbability = 0.5
    /// jpeg_quality: whole qualities 1–100.
    public static let jpegQuality = ClosedInterval(30, 95)
    public static let jpegProbability = 0.5
}
