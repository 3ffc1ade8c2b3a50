// Histogram equalisation: a monotone remapping of each channel's levels that spreads them
// evenly, so an image taken with another exposure, contrast or gamma curve comes out nearly
// the same. The mapping is Pillow's `ImageOps.equalize` (documented there), worked out here
// on the whole 0–255 levels the pixel cache stores.

extension FloatImage {
    /// Each channel equalised on its own, as Pillow equalises each band of an image: values are
    /// taken to the nearest of the 256 levels v/255 (exact for an image straight from the pixel
    /// cache), each level is mapped through the channel's cumulative histogram, and the result
    /// is level/255 again. A channel with one level, or too few pixels below its top level to
    /// fill 255 steps, is left as it is. A gray image (equal channels) stays gray.
    public func equalized() -> FloatImage {
        let n = width * height
        guard n > 0 else { return self }
        var out = self
        var levels = [UInt8](repeating: 0, count: n)
        for c in 0..<Self.channels {
            var histogram = [Int](repeating: 0, count: 256)
            for p in 0..<n {
                let v = pixels[3 * p + c]
                // Values outside [0, 1] go to the nearer end, NaN to 0.
                let level = v >= 1 ? 255 : (v > 0 ? Int((v * 255).rounded()) : 0)
                levels[p] = UInt8(level)
                histogram[level] += 1
            }
            guard let lut = Self.equalizationTable(histogram) else {
                for p in 0..<n { out.pixels[3 * p + c] = Float(levels[p]) / 255 }
                continue
            }
            for p in 0..<n { out.pixels[3 * p + c] = Float(lut[Int(levels[p])]) / 255 }
        }
        return out
    }

    /// The level each of the 256 levels becomes, from their counts; nil when the channel is
    /// kept (fewer than two levels used, or a step of 0 pixels). With `step` the pixels below the
    /// top used level divided among 255 steps, level i becomes ⌊(⌊step/2⌋ + pixels below i) / step⌋,
    /// at most 255 (Pillow's table can exceed 255 there; its lookup saturates).
    static func equalizationTable(_ histogram: [Int]) -> [UInt8]? {
        let used = histogram.filter { $0 > 0 }
        guard used.count > 1, let top = used.last else { return nil }
        let step = (used.reduce(0, +) - top) / 255
        guard step > 0 else { return nil }
        var table = [UInt8](repeating: 0, count: 256)
        var below = step / 2
        for i in 0..<256 {
            table[i] = UInt8(Swift.min(255, below / step))
            below += histogram[i]
        }
        return table
    }
}
