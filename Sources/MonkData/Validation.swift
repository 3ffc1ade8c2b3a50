// Range checks for configuration values: Codable decoding skips the initialisers, so the
// loader asks each part what, if anything, is wrong with it before using it.
import MonkVocabulary

extension LoaderSettings {
    /// Why these settings cannot be used, or nil.
    public var problem: String? {
        if batchSize < 1 { return "batch size \(batchSize) must be at least 1" }
        if threads < 1 { return "threads \(threads) must be at least 1" }
        if prefetch < 1 { return "prefetch \(prefetch) must be at least 1" }
        return nil
    }
}

extension Preprocessing {
    public var problem: String? {
        switch resize {
        case .none: return nil
        case .exact(let s): return s.width > 0 && s.height > 0 ? nil : "resize size \(s) must be positive"
        case .shorterSide(let n): return n > 0 ? nil : "shorter side \(n) must be positive"
        }
    }
}

extension SamplePipeline {
    public var problem: String? {
        if normalization.mean.count != 3 || normalization.std.count != 3 { return "normalisation needs 3 means and 3 standard deviations" }
        if normalization.std.contains(where: { !($0 > 0) }) { return "normalisation standard deviations must be positive" }
        for t in transforms { if let p = t.problem { return p } }
        return nil
    }
}

extension Transform {
    public var problem: String? {
        func positive(_ side: Int) -> Bool { side > 0 }
        func probability(_ p: Double) -> Bool { p >= 0 && p <= 1 }
        switch self {
        case .resize(let s), .centerCrop(let s):
            return positive(s) ? nil : "size \(s) must be positive"
        case let .randomResizedCrop(s, scale, ratio):
            if !positive(s) { return "size \(s) must be positive" }
            if !(scale.lower > 0 && scale.lower <= scale.upper && scale.upper <= 1) { return "random resized crop scale must satisfy 0 < lo ≤ hi ≤ 1" }
            return ratio.lower > 0 && ratio.lower <= ratio.upper ? nil : "random resized crop ratio must satisfy 0 < lo ≤ hi"
        case let .randomCrop(s, padding):
            return positive(s) && padding >= 0 ? nil : "random crop needs a positive size and padding ≥ 0"
        case .horizontalFlip(let p), .verticalFlip(let p):
            return probability(p) ? nil : "flip probability \(p) must be in [0, 1]"
        case .randomRotation(let d):
            return d >= 0 && d <= 180 ? nil : "rotation range \(d) must be in [0, 180] degrees"
        case let .colorJitter(b, c):
            return b >= 0 && c >= 0 ? nil : "colour jitter amounts must be ≥ 0"
        case let .gaussianBlur(sigma, p):
            if !probability(p) { return "blur probability \(p) must be in [0, 1]" }
            return sigma.lower > 0 && sigma.lower <= sigma.upper && sigma.upper <= GaussianBlur.maxSigma ? nil
                : "blur sigma must satisfy 0 < lo ≤ hi ≤ \(GaussianBlur.maxSigma) pixels"
        case let .randomGamma(range, p):
            if !probability(p) { return "gamma probability \(p) must be in [0, 1]" }
            return range.lower > 0 && range.lower <= range.upper && range.upper <= 10 ? nil : "gamma must satisfy 0 < lo ≤ hi ≤ 10"
        case let .jpegQuality(quality, p):
            if !probability(p) { return "JPEG re-encoding probability \(p) must be in [0, 1]" }
            return quality.lower >= 1 && quality.lower <= quality.upper && quality.upper <= 100 ? nil
                : "JPEG quality must satisfy 1 ≤ lo ≤ hi ≤ 100"
        case let .normalize(mean, std):
            guard [1, 3].contains(mean.count), std.count == mean.count else { return "normalize needs 1 or 3 means and as many standard deviations" }
            return std.allSatisfy({ $0 > 0 }) && (mean + std).allSatisfy(\.isFinite) ? nil : "normalize needs finite means and positive standard deviations"
        case .equalize, .grayscale:
            return nil
        }
    }
}
