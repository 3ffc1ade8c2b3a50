// How each transform (declared in MonkVocabulary, where the plan and the sidecar read it)
// changes a float image. Random steps draw from the RNG they are given, which the loader
// derives from (seed, epoch, image index): results do not depend on threads.
import Foundation
import MonkEngine
import MonkVocabulary

extension Transform {
    /// Applies this step. `rng` is only consumed by random steps.
    public func apply(_ im: FloatImage, rng: inout RNG) -> FloatImage {
        switch self {
        case .resize(let side):
            return im.resized(to: ImageSize(side))
        case .centerCrop(let side):
            let size = ImageSize(side)
            // torchvision: top = round((H - h) / 2), left likewise (Python rounds half to even).
            let top = Int((Double(im.height - size.height) / 2).rounded(.toNearestOrEven))
            let left = Int((Double(im.width - size.width) / 2).rounded(.toNearestOrEven))
            return im.cropped(x0: left, y0: top, width: size.width, height: size.height)
        case let .randomResizedCrop(side, scale, ratio):
            let box = Self.resizedCropBox(width: im.width, height: im.height, scale: scale, ratio: ratio, rng: &rng)
            return im.resized(to: ImageSize(side), box: (Double(box.x), Double(box.y), Double(box.x + box.w), Double(box.y + box.h)))
        case let .randomCrop(side, padding):
            let x0 = rng.below(max(1, im.width + 2 * padding - side + 1)) - padding
            let y0 = rng.below(max(1, im.height + 2 * padding - side + 1)) - padding
            return im.cropped(x0: x0, y0: y0, width: side, height: side)
        case .horizontalFlip(let p):
            return Double(rng.uniform()) < p ? im.flippedHorizontally() : im
        case .verticalFlip(let p):
            return Double(rng.uniform()) < p ? im.flippedVertically() : im
        case .randomRotation(let degrees):
            return im.rotated(degrees: Double(rng.uniform(Float(-degrees), Float(degrees))))
        case let .colorJitter(brightness, contrast):
            let b = Double(rng.uniform(Float(max(0, 1 - brightness)), Float(1 + brightness)))
            let c = Double(rng.uniform(Float(max(0, 1 - contrast)), Float(1 + contrast)))
            return im.adjusted(brightness: Float(b), contrast: Float(c))
        case let .gaussianBlur(sigma, p):
            guard Double(rng.uniform()) < p else { return im }
            return im.blurred(sigma: Double(rng.uniform(Float(sigma.lower), Float(sigma.upper))))
        case let .randomGamma(range, p):
            guard Double(rng.uniform()) < p else { return im }
            return im.gammaAdjusted(Float(rng.uniform(Float(range.lower), Float(range.upper))))
        case let .jpegQuality(quality, p):
            guard Double(rng.uniform()) < p else { return im }
            let lo = Int(quality.lower.rounded()), hi = Int(quality.upper.rounded())
            return im.jpegRoundTrip(quality: lo + rng.below(hi - lo + 1))
        case .equalize:
            return im.equalized()
        case .grayscale:
            var out = im
            for p in 0..<(im.width * im.height) {
                let y = 0.299 * im.pixels[3 * p] + 0.587 * im.pixels[3 * p + 1] + 0.114 * im.pixels[3 * p + 2]
                out.pixels[3 * p] = y; out.pixels[3 * p + 1] = y; out.pixels[3 * p + 2] = y
            }
            return out
        case let .normalize(mean, std):
            // The loader normalises as it fills a batch (SamplePipeline.normalization); a
            // normalize step in a list does the same arithmetic on the image.
            let n = Normalization.expanding(mean: mean, std: std)
            var out = im
            out.pixels.withUnsafeMutableBufferPointer { n.write(im, to: $0.baseAddress!) }
            return out
        }
    }

    /// torchvision's RandomResizedCrop.get_params: ten tries at a random area and log-uniform
    /// aspect ratio, then a central crop with the ratio clamped into range.
    static func resizedCropBox(width: Int, height: Int, scale: ClosedInterval, ratio: ClosedInterval,
                               rng: inout RNG) -> (x: Int, y: Int, w: Int, h: Int) {
        let area = Double(width * height)
        let logLo = log(ratio.lower), logHi = log(ratio.upper)
        for _ in 0..<10 {
            let target = area * (scale.lower + (scale.upper - scale.lower) * Double(rng.uniform()))
            let aspect = exp(logLo + (logHi - logLo) * Double(rng.uniform()))
            let w = Int((target * aspect).squareRoot().rounded())
            let h = Int((target / aspect).squareRoot().rounded())
            if w > 0 && h > 0 && w <= width && h <= height {
                return (rng.below(width - w + 1), rng.below(height - h + 1), w, h)
            }
        }
        let inRatio = Double(width) / Double(height)
        var w = width, h = height
        if inRatio < ratio.lower { h = Int((Double(w) / ratio.lower).rounded()) }
        else if inRatio > ratio.upper { w = Int((Double(h) * ratio.upper).rounded()) }
        return ((width - w) / 2, (height - h) / 2, w, h)
    }
}
