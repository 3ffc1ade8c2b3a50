// The per-sample transforms (configured, Codable) and how each one changes a float image.
import Foundation
import MonkEngine

/// One step of a train or eval pipeline. Random steps draw from the RNG they are given, which
/// the loader derives from (seed, epoch, image index): results do not depend on threads.
public enum Transform: Codable, Hashable, Sendable {
    /// Antialiased bilinear resize to exactly this size (aspect ratio not kept).
    case resize(size: ImageSize)
    /// Resize so the shorter side equals `side`, keeping the aspect ratio (torchvision `Resize(int)`).
    case resizeShorterSide(side: Int)
    /// The central region of this size (zero-padded if the image is smaller).
    case centerCrop(size: ImageSize)
    /// torchvision `RandomResizedCrop`: a random region covering `scale` of the area with aspect
    /// ratio in `ratio`, resized to `size`. Defaults: scale 0.08...1, ratio 3/4...4/3.
    case randomResizedCrop(size: ImageSize, scale: ClosedInterval, ratio: ClosedInterval)
    /// Zero-pad every side by `padding`, then take a random region of `size`.
    case randomCrop(size: ImageSize, padding: Int)
    /// Mirror left-right with probability `p`.
    case horizontalFlip(p: Double)
    /// Mirror top-bottom with probability `p`.
    case verticalFlip(p: Double)
    /// Rotate about the centre by an angle uniform in [-degrees, degrees]; bilinear, corners 0.
    case rotation(degrees: Double)
    /// Multiply by a brightness factor uniform in [max(0, 1-b), 1+b], then blend with the mean
    /// gray level by a contrast factor uniform in [max(0, 1-c), 1+c] (torchvision formulas,
    /// in this fixed order); results clamped to [0, 1].
    case colorJitter(brightness: Double, contrast: Double)
    /// With probability `p`, a Gaussian blur with sigma (pixels) uniform in `sigma`
    /// (separable, borders replicated; see `FloatImage.blurred`).
    case gaussianBlur(sigma: ClosedInterval, p: Double)
    /// With probability `p`, every value v becomes v^g with g uniform in the interval.
    case gamma(ClosedInterval, p: Double)
    /// With probability `p`, a JPEG encode/decode round trip (libjpeg-turbo, 4:2:0 for colour)
    /// at a whole quality drawn uniformly from `quality`.
    case jpegQuality(quality: ClosedInterval, p: Double)
    /// Luma in all three channels: 0.299 R + 0.587 G + 0.114 B (ITU-R 601, Pillow's "L"), so
    /// colour and gray images reach a 3-channel network alike.
    case grayscale

    /// Whether the step draws random numbers (and so differs between epochs).
    public var isRandom: Bool {
        switch self {
        case .resize, .resizeShorterSide, .centerCrop, .grayscale: return false
        default: return true
        }
    }

    public static func randomResizedCrop(size: ImageSize) -> Transform {
        .randomResizedCrop(size: size, scale: ClosedInterval(0.08, 1), ratio: ClosedInterval(3.0 / 4, 4.0 / 3))
    }
}

/// A closed interval [lo, hi] of reals (Codable as {"lo":…, "hi":…}).
public struct ClosedInterval: Codable, Hashable, Sendable {
    public var lo: Double
    public var hi: Double
    public init(_ lo: Double, _ hi: Double) { precondition(lo <= hi, "interval [\(lo), \(hi)]"); self.lo = lo; self.hi = hi }
}

extension Transform {
    /// Applies this step. `rng` is only consumed by random steps.
    public func apply(_ im: FloatImage, rng: inout RNG) -> FloatImage {
        switch self {
        case .resize(let size):
            return im.resized(to: size)
        case .resizeShorterSide(let side):
            return im.resized(to: Self.shorterSideSize(im.size, side))
        case .centerCrop(let size):
            // torchvision: top = round((H - h) / 2), left likewise (Python rounds half to even).
            let top = Int((Double(im.height - size.height) / 2).rounded(.toNearestOrEven))
            let left = Int((Double(im.width - size.width) / 2).rounded(.toNearestOrEven))
            return im.cropped(x0: left, y0: top, width: size.width, height: size.height)
        case let .randomResizedCrop(size, scale, ratio):
            let box = Self.resizedCropBox(width: im.width, height: im.height, scale: scale, ratio: ratio, rng: &rng)
            return im.resized(to: size, box: (Double(box.x), Double(box.y), Double(box.x + box.w), Double(box.y + box.h)))
        case let .randomCrop(size, padding):
            let x0 = rng.below(max(1, im.width + 2 * padding - size.width + 1)) - padding
            let y0 = rng.below(max(1, im.height + 2 * padding - size.height + 1)) - padding
            return im.cropped(x0: x0, y0: y0, width: size.width, height: size.height)
        case .horizontalFlip(let p):
            return Double(rng.uniform()) < p ? im.flippedHorizontally() : im
        case .verticalFlip(let p):
            return Double(rng.uniform()) < p ? im.flippedVertically() : im
        case .rotation(let degrees):
            return im.rotated(degrees: Double(rng.uniform(Float(-degrees), Float(degrees))))
        case let .colorJitter(brightness, contrast):
            let b = Double(rng.uniform(Float(max(0, 1 - brightness)), Float(1 + brightness)))
            let c = Double(rng.uniform(Float(max(0, 1 - contrast)), Float(1 + contrast)))
            return im.adjusted(brightness: Float(b), contrast: Float(c))
        case let .gaussianBlur(sigma, p):
            guard Double(rng.uniform()) < p else { return im }
            return im.blurred(sigma: Double(rng.uniform(Float(sigma.lo), Float(sigma.hi))))
        case let .gamma(range, p):
            guard Double(rng.uniform()) < p else { return im }
            return im.gammaAdjusted(Float(rng.uniform(Float(range.lo), Float(range.hi))))
        case let .jpegQuality(quality, p):
            guard Double(rng.uniform()) < p else { return im }
            let lo = Int(quality.lo.rounded()), hi = Int(quality.hi.rounded())
            return im.jpegRoundTrip(quality: lo + rng.below(hi - lo + 1))
        case .grayscale:
            var out = im
            for p in 0..<(im.width * im.height) {
                let y = 0.299 * im.pixels[3 * p] + 0.587 * im.pixels[3 * p + 1] + 0.114 * im.pixels[3 * p + 2]
                out.pixels[3 * p] = y; out.pixels[3 * p + 1] = y; out.pixels[3 * p + 2] = y
            }
            return out
        }
    }

    static func shorterSideSize(_ s: ImageSize, _ side: Int) -> ImageSize {
        // torchvision: the long side is int(side * long / short) (truncated).
        if s.width <= s.height { return ImageSize(width: side, height: side * s.height / s.width) }
        return ImageSize(width: side * s.width / s.height, height: side)
    }

    /// torchvision's RandomResizedCrop.get_params: ten tries at a random area and log-uniform
    /// aspect ratio, then a central crop with the ratio clamped into range.
    static func resizedCropBox(width: Int, height: Int, scale: ClosedInterval, ratio: ClosedInterval,
                               rng: inout RNG) -> (x: Int, y: Int, w: Int, h: Int) {
        let area = Double(width * height)
        let logLo = log(ratio.lo), logHi = log(ratio.hi)
        for _ in 0..<10 {
            let target = area * (scale.lo + (scale.hi - scale.lo) * Double(rng.uniform()))
            let aspect = exp(logLo + (logHi - logLo) * Double(rng.uniform()))
            let w = Int((target * aspect).squareRoot().rounded())
            let h = Int((target / aspect).squareRoot().rounded())
            if w > 0 && h > 0 && w <= width && h <= height {
                return (rng.below(width - w + 1), rng.below(height - h + 1), w, h)
            }
        }
        let inRatio = Double(width) / Double(height)
        var w = width, h = height
        if inRatio < ratio.lo { h = Int((Double(w) / ratio.lo).rounded()) }
        else if inRatio > ratio.hi { w = Int((Double(h) * ratio.hi).rounded()) }
        return ((width - w) / 2, (height - h) / 2, w, h)
    }
}
