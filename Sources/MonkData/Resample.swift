// Antialiased bilinear resampling, separable, with Pillow's exact coefficients and (for 8-bit
// images) its fixed-point arithmetic, horizontal pass first. Pillow up to 12 always ran that
// order, so a resize here equals its `Image.resize(size, BILINEAR)` byte for byte; Pillow 13
// runs the vertical pass first for some shapes, and then about a fifth of the pixels differ
// by one level (never more: 200 random shapes, measured 2026-12-06 with Pillow 13.0.0).

/// Per-output-pixel filter taps along one axis: output i reads input first[i] ..< first[i] + count[i].
struct ResampleTaps {
    let first: [Int]
    let count: [Int]
    /// Row-major [outSize][ksize] weights, zero-padded past count[i]; each row sums to 1.
    let weights: [Double]
    let ksize: Int

    /// The triangle filter stretched by the scale when shrinking (this is the antialiasing: every
    /// input pixel under the output pixel contributes), plain bilinear when enlarging. The
    /// source interval is [in0, in1) in input pixels, so a crop and a resize are one step.
    init(inSize: Int, outSize: Int, in0: Double = 0, in1: Double? = nil) {
        let in1 = in1 ?? Double(inSize)
        let scale = (in1 - in0) / Double(outSize)
        let filterScale = max(scale, 1)
        let support = 1.0 * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        var first = [Int](repeating: 0, count: outSize)
        var count = [Int](repeating: 0, count: outSize)
        var weights = [Double](repeating: 0, count: outSize * ksize)
        for i in 0..<outSize {
            let center = in0 + (Double(i) + 0.5) * scale
            // Pillow truncates center ± support + 0.5 toward zero (C int cast), then clamps.
            let lo = max(0, Int(center - support + 0.5))
            let hi = min(inSize, Int(center + support + 0.5))
            var total = 0.0
            for x in lo..<max(lo, hi) {
                let t = abs((Double(x) - center + 0.5) / filterScale)
                let w = t < 1 ? 1 - t : 0
                weights[i * ksize + x - lo] = w
                total += w
            }
            if total != 0 { for k in 0..<(hi - lo) { weights[i * ksize + k] /= total } }
            first[i] = lo
            count[i] = max(0, hi - lo)
        }
        self.first = first; self.count = count; self.weights = weights; self.ksize = ksize
    }

    /// Weights in Pillow's 8-bit fixed point: 22 fractional bits, rounded half away from zero.
    var fixedPoint: [Int32] {
        weights.map { Int32($0 < 0 ? ($0 * Double(1 << 22) - 0.5) : ($0 * Double(1 << 22) + 0.5)) }
    }
}

extension Image {
    /// Resized to `size` with antialiased bilinear filtering (shrinking averages every covered
    /// pixel). Byte-identical to Pillow's `resize(size, Image.BILINEAR)` whenever Pillow also
    /// runs the horizontal pass first (always up to Pillow 12; see the file's head).
    public func resized(to size: ImageSize) -> Image {
        if size.width == width && size.height == height { return self }
        var img = self
        if size.width != width { img = img.resampledHorizontally(ResampleTaps(inSize: width, outSize: size.width)) }
        if size.height != height { img = img.resampledVertically(ResampleTaps(inSize: height, outSize: size.height)) }
        return img
    }

    /// `vectorized: false` forces the scalar loop (tests hold the two against each other).
    func resampledHorizontally(_ taps: ResampleTaps, vectorized: Bool = true) -> Image {
        if vectorized && channels == 1 && taps.ksize <= 8 { return resampledHorizontallyGray8(taps) }
        let outW = taps.first.count, ch = channels, ks = taps.ksize, inRow = width * channels
        var out = Image(width: outW, height: height, channels: ch)
        let k = taps.fixedPoint
        // The hottest loop of the data path: raw pointers, and a separate gray loop so one-channel
        // X-rays do not pay for the channel loop.
        pixels.withUnsafeBufferPointer { srcBuf in
            out.pixels.withUnsafeMutableBufferPointer { dstBuf in
                k.withUnsafeBufferPointer { kBuf in
                    taps.first.withUnsafeBufferPointer { firstBuf in
                        taps.count.withUnsafeBufferPointer { countBuf in
                            let src = srcBuf.baseAddress!, dst = dstBuf.baseAddress!, kp = kBuf.baseAddress!
                            for y in 0..<height {
                                let row = src + y * inRow, outRow = dst + y * outW * ch
                                for x in 0..<outW {
                                    let n = countBuf[x], w = kp + x * ks
                                    if ch == 1 {
                                        let p = row + firstBuf[x]
                                        var acc: Int32 = 1 << 21
                                        for t in 0..<n { acc &+= Int32(p[t]) &* w[t] }
                                        outRow[x] = clip8(acc)
                                    } else {
                                        let p = row + firstBuf[x] * 3
                                        var a0: Int32 = 1 << 21, a1: Int32 = 1 << 21, a2: Int32 = 1 << 21
                                        for t in 0..<n {
                                            a0 &+= Int32(p[3 * t]) &* w[t]
                                            a1 &+= Int32(p[3 * t + 1]) &* w[t]
                                            a2 &+= Int32(p[3 * t + 2]) &* w[t]
                                        }
                                        outRow[3 * x] = clip8(a0); outRow[3 * x + 1] = clip8(a1); outRow[3 * x + 2] = clip8(a2)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The gray horizontal pass when every output pixel reads at most 8 input pixels (shrinking
    /// by up to 3.5×, as from a scaled JPEG decode): each output pixel is one 8-byte load times
    /// its 8 weights (zero past its taps), summed. Integer sums in wrapping Int32 arithmetic
    /// do not depend on their order, so the bytes are the scalar loop's (and Pillow's) exactly.
    /// Output pixels whose 8 bytes would run past the row's end take the scalar loop.
    private func resampledHorizontallyGray8(_ taps: ResampleTaps) -> Image {
        let outW = taps.first.count, ks = taps.ksize, k = taps.fixedPoint
        var weights = [SIMD8<Int32>](repeating: .zero, count: outW)
        for x in 0..<outW { for t in 0..<taps.count[x] { weights[x][t] = k[x * ks + t] } }
        // The last output pixel whose 8-byte load stays inside the row, plus one.
        var vectorEnd = outW
        while vectorEnd > 0 && taps.first[vectorEnd - 1] + 8 > width { vectorEnd -= 1 }
        let pixels = [UInt8](unsafeUninitializedCapacity: outW * height) { buffer, initialized in
            self.pixels.withUnsafeBufferPointer { srcBuf in
                weights.withUnsafeBufferPointer { wBuf in
                    taps.first.withUnsafeBufferPointer { firstBuf in
                        let src = UnsafeRawPointer(srcBuf.baseAddress!), dst = buffer.baseAddress!
                        for y in 0..<height {
                            let row = src + y * width, outRow = dst + y * outW
                            for x in 0..<vectorEnd {
                                let v = SIMD8<Int32>(truncatingIfNeeded: row.loadUnaligned(fromByteOffset: firstBuf[x], as: SIMD8<UInt8>.self))
                                outRow[x] = clip8((1 << 21) &+ (v &* wBuf[x]).wrappedSum())
                            }
                            for x in vectorEnd..<outW {
                                let p = row.assumingMemoryBound(to: UInt8.self) + firstBuf[x]
                                var acc: Int32 = 1 << 21
                                for t in 0..<taps.count[x] { acc &+= Int32(p[t]) &* wBuf[x][t] }
                                outRow[x] = clip8(acc)
                            }
                        }
                    }
                }
            }
            initialized = outW * height
        }
        return Image(width: outW, height: height, channels: 1, pixels: pixels)
    }

    private func resampledVertically(_ taps: ResampleTaps) -> Image {
        let outH = taps.first.count, rowLen = width * channels, k = taps.fixedPoint, ks = taps.ksize
        // Every output byte is written below: no zero-filling first.
        let out = [UInt8](unsafeUninitializedCapacity: outH * rowLen) { dstBuf, initialized in
            pixels.withUnsafeBufferPointer { srcBuf in
                let src = srcBuf.baseAddress!, dst = dstBuf.baseAddress!
                var acc = [Int32](repeating: 0, count: rowLen)
                acc.withUnsafeMutableBufferPointer { accBuf in
                    let acc = accBuf.baseAddress!
                    for y in 0..<outH {
                        let lo = taps.first[y], n = taps.count[y]
                        for i in 0..<rowLen { acc[i] = 1 << 21 }
                        // Row by row over the taps keeps memory access sequential.
                        for t in 0..<n {
                            let w = k[y * ks + t], row = src + (lo + t) * rowLen
                            for i in 0..<rowLen { acc[i] &+= Int32(row[i]) &* w }
                        }
                        for i in 0..<rowLen { dst[y * rowLen + i] = clip8(acc[i]) }
                    }
                }
            }
            initialized = outH * rowLen
        }
        return Image(width: width, height: outH, channels: channels, pixels: out)
    }
}

@inline(__always) private func clip8(_ acc: Int32) -> UInt8 {
    let v = acc >> 22
    return v < 0 ? 0 : (v > 255 ? 255 : UInt8(v))
}
