// Float images in [0, 1] for the random (per-epoch) transforms; 8-bit images become float
// only after the cached, deterministic part of preprocessing.

/// Interleaved float pixels, row-major, always 3 channels (gray repeated), values in [0, 1].
public struct FloatImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [Float]
    public static let channels = 3

    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(pixels.count == width * height * 3)
        self.width = width; self.height = height; self.pixels = pixels
    }

    public init(width: Int, height: Int) {
        self.init(width: width, height: height, pixels: [Float](repeating: 0, count: width * height * 3))
    }

    /// v / 255 per sample (divided, not multiplied by 1/255, to equal torchvision's ToTensor),
    /// gray repeated into R, G and B.
    public init(_ image: Image) {
        let n = image.width * image.height
        var out = [Float](repeating: 0, count: n * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                if image.channels == 3 {
                    for i in 0..<(n * 3) { dst[i] = Float(src[i]) / 255 }
                } else {
                    for i in 0..<n { let v = Float(src[i]) / 255; dst[3 * i] = v; dst[3 * i + 1] = v; dst[3 * i + 2] = v }
                }
            }
        }
        self.init(width: image.width, height: image.height, pixels: out)
    }

    public var size: ImageSize { ImageSize(width: width, height: height) }

    public subscript(x: Int, y: Int, c: Int) -> Float {
        get { pixels[(y * width + x) * 3 + c] }
        set { pixels[(y * width + x) * 3 + c] = newValue }
    }

    /// The region [x0, x0 + w) × [y0, y0 + h); parts outside the image are 0 (zero padding).
    public func cropped(x0: Int, y0: Int, width w: Int, height h: Int) -> FloatImage {
        var out = FloatImage(width: w, height: h)
        for y in 0..<h {
            let sy = y0 + y
            guard sy >= 0 && sy < height else { continue }
            for x in 0..<w {
                let sx = x0 + x
                guard sx >= 0 && sx < width else { continue }
                for c in 0..<3 { out.pixels[(y * w + x) * 3 + c] = pixels[(sy * width + sx) * 3 + c] }
            }
        }
        return out
    }

    /// Antialiased bilinear resize of the source box [x0, x1) × [y0, y1) (fractional
    /// coordinates allowed) to `size`: the same filter as `Image.resized(to:)`, in float.
    public func resized(to size: ImageSize, box: (x0: Double, y0: Double, x1: Double, y1: Double)? = nil) -> FloatImage {
        let b = box ?? (0, 0, Double(width), Double(height))
        if box == nil && size == self.size { return self }
        let tx = ResampleTaps(inSize: width, outSize: size.width, in0: b.x0, in1: b.x1)
        let ty = ResampleTaps(inSize: height, outSize: size.height, in0: b.y0, in1: b.y1)
        var mid = FloatImage(width: size.width, height: height)
        for y in 0..<height {
            for x in 0..<size.width {
                var acc: (Double, Double, Double) = (0, 0, 0)
                for t in 0..<tx.count[x] {
                    let w = tx.weights[x * tx.ksize + t], s = (y * width + tx.first[x] + t) * 3
                    acc.0 += w * Double(pixels[s]); acc.1 += w * Double(pixels[s + 1]); acc.2 += w * Double(pixels[s + 2])
                }
                let d = (y * size.width + x) * 3
                mid.pixels[d] = Float(acc.0); mid.pixels[d + 1] = Float(acc.1); mid.pixels[d + 2] = Float(acc.2)
            }
        }
        var out = FloatImage(width: size.width, height: size.height)
        let rowLen = size.width * 3
        for y in 0..<size.height {
            for t in 0..<ty.count[y] {
                let w = Float(ty.weights[y * ty.ksize + t]), base = (ty.first[y] + t) * rowLen
                for i in 0..<rowLen { out.pixels[y * rowLen + i] += w * mid.pixels[base + i] }
            }
        }
        return out
    }
}
