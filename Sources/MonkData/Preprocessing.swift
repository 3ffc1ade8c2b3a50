// The deterministic, cacheable part of loading an image (decode, then resize) and the
// per-epoch part (transforms, normalisation) that turns it into network input.
import Foundation
import MonkEngine

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

    public init(resize: Resize, scaledDecode: Bool = true) {
        self.resize = resize
        self.scaledDecode = scaledDecode
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
        let decoded = try ImageDecoder.decode(data, atLeast: atLeast)
        return (resized(decoded.image, storedSize: decoded.storedSize), decoded.storedSize)
    }

    func resized(_ image: Image, storedSize: ImageSize) -> Image {
        switch resize {
        case .none: return image
        case .exact(let s): return image.resized(to: s)
        case .shorterSide(let n):
            // The output size follows the stored aspect ratio, not the DCT-rounded one, so a
            // scaled decode yields the same size as a full one.
            return image.resized(to: Transform.shorterSideSize(storedSize, n))
        }
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

    /// Whether two epochs can see different pixels for the same image.
    public var isRandom: Bool { transforms.contains { $0.isRandom } }

    /// The transformed image, before normalisation. `rng` belongs to this one sample.
    public func transform(_ image: Image, rng: inout RNG) -> FloatImage {
        var im = FloatImage(image)
        for t in transforms { im = t.apply(im, rng: &rng) }
        return im
    }
}
