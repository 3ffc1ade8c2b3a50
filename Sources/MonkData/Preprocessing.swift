// The deterministic, cacheable part of loading an image (decode, then resize) and the
// per-epoch part (transforms, normalisation) that turns it into network input.
import Foundation
import MonkEngine
import MonkVocabulary

/// How a file becomes the 8-bit image stored in the pixel cache. Everything here is
/// deterministic, so the result can be keyed by (file content, these settings).
public struct Preprocessing: Codable, Hashable, Sendable {
    /// The resize applied right after decoding.
    public enum Resize: Codable, Hashable, Sendable {
        /// Keep the decoded size.
        case none
        /// Exactly this size (aspect ratio not kept, as Monk does).
        case exact(size: ImageSize)
        /// Shorter side to this length, aspect ratio kept.
        case shorterSide(side: Int)
    }

    public var resize: Resize
    /// Let libjpeg-turbo decode at 1/2, 1/4 or 1/8 scale when the result is still at least as
    /// large as the resize target: several times faster on large photos, with pixels that
    /// differ slightly from a full decode (DCT-domain averaging instead of bilinear).
    public var scaledDecode: Bool
    /// What a file may declare and weigh before it is decoded. A safety bound of the run, not a
    /// property of the pixels: it is neither part of the cache key nor of the encoded form.
    public var limits = ImageLimits()

    enum CodingKeys: String, CodingKey { case resize, scaledDecode }

    public init(resize: Resize, scaledDecode: Bool = true, limits: ImageLimits = ImageLimits()) {
        self.resize = resize
        self.scaledDecode = scaledDecode
        self.limits = limits
    }

    /// Canonical text of the settings, part of every pixel-cache key.
    public var canonicalDescription: String {
        let r: String
        switch resize {
        case .none: r = "none"
        case .exact(let s): r = "exact:\(s.width)x\(s.height)"
        case .shorterSide(let n): r = "shorter:\(n)"
        }
        return "resize=\(r);scaledDecode=\(scaledDecode)"
    }

    /// Decodes and resizes. Returns the image and the size stored in the file.
    public func prepare(_ data: Data) throws(ImageDecodeError) -> (image: Image, storedSize: ImageSize) {
        var atLeast: ImageSize?
        if scaledDecode {
            switch resize {
            case .none: atLeast = nil
            case .exact(let s): atLeast = s
            case .shorterSide(let n): atLeast = ImageSize(n)
            }
        }
        let decoded = try ImageDecoder.decode(data, atLeast: atLeast, limits: limits)
        if let target = targetSize(decoded.storedSize) {
            // A 65500×1 JPEG is tiny, but resized to a shorter side of 256 it would be
            // 16,768,000×256 pixels: the resized size is bounded by the same limit.
            let (pixels, overflow) = target.width.multipliedReportingOverflow(by: target.height)
            if overflow || pixels > limits.maxPixels {
                throw .resizeTooLarge(stored: decoded.storedSize, resized: target, limit: limits.maxPixels)
            }
        }
        return (resized(decoded.image, storedSize: decoded.storedSize), decoded.storedSize)
    }

    /// The size `resize` makes of an image stored at `stored`; nil when the size is kept.
    func targetSize(_ stored: ImageSize) -> ImageSize? {
        switch resize {
        case .none: return nil
        case .exact(let s): return s
        // The output size follows the stored aspect ratio, not the DCT-rounded one, so a
        // scaled decode yields the same size as a full one.
        case .shorterSide(let n): return Self.shorterSideSize(stored, n)
        }
    }

    static func shorterSideSize(_ s: ImageSize, _ side: Int) -> ImageSize {
        // torchvision: the long side is int(side * long / short) (truncated).
        if s.width <= s.height { return ImageSize(width: side, height: side * s.height / s.width) }
        return ImageSize(width: side * s.width / s.height, height: side)
    }

    func resized(_ image: Image, storedSize: ImageSize) -> Image {
        guard let target = targetSize(storedSize) else { return image }
        return image.resized(to: target)
    }
}

/// The per-sample part: transforms in order, then normalisation. Train and eval each have one.
public struct SamplePipeline: Codable, Hashable, Sendable {
    public var transforms: [Transform]
    public var normalization: Normalization

    public init(transforms: [Transform] = [], normalization: Normalization = .imagenet) {
        self.transforms = transforms
        self.normalization = normalization
    }

    enum CodingKeys: String, CodingKey { case transforms, normalization }

    /// Reads a pipeline as this version writes it, or as a sidecar written before the
    /// transforms were declared once recorded its steps (`LegacyEvalStep`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        normalization = try c.decode(Normalization.self, forKey: .normalization)
        if let steps = try? c.decode([Transform].self, forKey: .transforms) {
            transforms = steps
        } else {
            transforms = try c.decode([LegacyEvalStep].self, forKey: .transforms).map { try $0.transform() }
        }
    }

    /// Whether two epochs can see different pixels for the same image.
    public var isRandom: Bool { transforms.contains { $0.isRandom } }

    /// The transformed image, before normalisation. `rng` belongs to this one sample.
    public func transform(_ image: Image, rng: inout RNG) -> FloatImage {
        var im = FloatImage(image)
        for t in transforms { im = t.apply(im, rng: &rng) }
        return im
    }
}
