// Pixel operations that imitate another acquisition: blur, an exposure curve, JPEG compression.
// The pneumonia study found a model trained on one hospital's images leaning on exactly these
// (docs/study-log.md): augmenting with them teaches the network to ignore them.
import Foundation
import CJPEG

/// Limits of the blur: the kernel spans ±3 sigma, so 20 px sigma is a 121-tap kernel.
public enum GaussianBlur {
    public static let maxSigma = 20.0

    /// Normalised taps of a Gaussian with this sigma over [-r, r], r = ceil(3 sigma).
    public static func taps(sigma: Double) -> [Float] {
        let r = max(1, Int((3 * sigma).rounded(.up)))
        let w = (-r...r).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = w.reduce(0, +)
        return w.map { Float($0 / total) }
    }
}

extension FloatImage {
    /// Separable Gaussian blur; samples beyond the border repeat the edge pixel, so a flat
    /// image stays flat and no dark frame appears.
    public func blurred(sigma: Double) -> FloatImage {
        let taps = GaussianBlur.taps(sigma: sigma)
        return convolved(taps, horizontally: true).convolved(taps, horizontally: false)
    }

    /// One pass of a symmetric 1-D filter along rows (or columns), the edge pixel repeated.
    private func convolved(_ taps: [Float], horizontally: Bool) -> FloatImage {
        let r = taps.count / 2
        var out = FloatImage(width: width, height: height)
        pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    for x in 0..<width {
                        var acc: (Float, Float, Float) = (0, 0, 0)
                        for k in 0..<taps.count {
                            let i = horizontally
                                ? (y * width + Swift.min(Swift.max(x + k - r, 0), width - 1)) * 3
                                : (Swift.min(Swift.max(y + k - r, 0), height - 1) * width + x) * 3
                            let t = taps[k]
                            acc.0 += t * src[i]; acc.1 += t * src[i + 1]; acc.2 += t * src[i + 2]
                        }
                        let o = (y * width + x) * 3
                        dst[o] = acc.0; dst[o + 1] = acc.1; dst[o + 2] = acc.2
                    }
                }
            }
        }
        return out
    }

    /// Every value v (clamped to [0, 1]) becomes v^g: g < 1 brightens the mid-tones, g > 1
    /// darkens them; black and white stay.
    public func gammaAdjusted(_ g: Float) -> FloatImage {
        var out = self
        for i in 0..<out.pixels.count { out.pixels[i] = powf(Swift.min(Swift.max(pixels[i], 0), 1), g) }
        return out
    }

    /// Encoded as a JPEG at `quality` (1–100) and decoded again, through the same
    /// libjpeg-turbo that reads the data. A gray image (R = G = B everywhere, as X-rays are)
    /// is coded as one gray channel, like a gray JPEG file; colour as YCbCr 4:2:0.
    public func jpegRoundTrip(quality: Int) -> FloatImage {
        let n = width * height
        var gray = true
        for p in 0..<n where pixels[3 * p] != pixels[3 * p + 1] || pixels[3 * p] != pixels[3 * p + 2] { gray = false; break }
        let channels = gray ? 1 : 3
        var bytes = [UInt8](repeating: 0, count: n * channels)
        for p in 0..<n {
            for c in 0..<channels {
                bytes[p * channels + c] = UInt8(Swift.min(Swift.max((pixels[3 * p + c] * 255).rounded(), 0), 255))
            }
        }
        var decoded = [UInt8](repeating: 0, count: n * channels)
        var error = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { src in
            decoded.withUnsafeMutableBufferPointer { dst in
                monk_jpeg_round_trip(src.baseAddress, Int32(width), Int32(height), Int32(channels),
                                     Int32(Swift.min(Swift.max(quality, 1), 100)), dst.baseAddress, &error, Int32(error.count))
            }
        }
        // Coding a well-formed buffer in memory fails only when memory runs out.
        guard status == 0 else { fatalError("JPEG re-encoding at quality \(quality) failed: \(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))") }
        var out = FloatImage(width: width, height: height)
        for p in 0..<n {
            for c in 0..<3 { out.pixels[3 * p + c] = Float(decoded[p * channels + (gray ? 0 : c)]) / 255 }
        }
        return out
    }
}
