// Per-channel normalisation (x − mean) / std, the last step before pixels become a tensor.

/// Mean and standard deviation per RGB channel, in the [0, 1] pixel scale.
public struct Normalization: Codable, Hashable, Sendable {
    public var mean: [Float]
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == 3 && std.count == 3 && std.allSatisfy { $0 > 0 }, "3 means and 3 positive stds")
        self.mean = mean; self.std = std
    }

    /// Statistics as a plan gives them (0–1 scale): three values each, or one that serves the
    /// three equal channels of a grayscale image.
    public static func expanding(mean: [Double], std: [Double]) -> Normalization {
        func three(_ v: [Double]) -> [Float] { v.count == 1 ? Array(repeating: Float(v[0]), count: 3) : v.map(Float.init) }
        return Normalization(mean: three(mean), std: three(std))
    }

    /// The ImageNet statistics torchvision's pretrained models expect.
    public static let imagenet = Normalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    /// Pixels in [0, 1] unchanged.
    public static let identity = Normalization(mean: [0, 0, 0], std: [1, 1, 1])

    /// Writes the normalised pixels of `im` (HWC) to `out`, which must hold width·height·3 floats.
    public func write(_ im: FloatImage, to out: UnsafeMutablePointer<Float>) {
        im.pixels.withUnsafeBufferPointer { src in
            for p in 0..<(im.width * im.height) {
                for c in 0..<3 { out[3 * p + c] = (src[3 * p + c] - mean[c]) / std[c] }
            }
        }
    }
}
