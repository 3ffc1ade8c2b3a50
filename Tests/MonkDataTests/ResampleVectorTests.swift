// The gray horizontal resample pass that loads 8 bytes per output pixel, against the scalar
// loop it replaces (which ResizeTests holds against Pillow's bytes), byte for byte.
import Testing
import MonkEngine
@testable import MonkData

@Suite struct ResampleVectorTests {
    /// Random gray images at the shrink factors a scaled JPEG decode leaves (≤ 3.5, up to 8
    /// taps), a plain enlargement, and tiny widths where the last output pixels' loads would
    /// run past the row (they take the scalar loop); one all-white image for the clip at 255.
    @Test func grayVectorPassEqualsScalarLoop() {
        var rng = RNG(seed: 5)
        let cases = [(520, 224), (520, 240), (408, 224), (300, 100), (37, 10), (50, 120), (9, 8), (8, 3), (7, 2), (64, 63)]
        for (inW, outW) in cases {
            let taps = ResampleTaps(inSize: inW, outSize: outW)
            for white in [false, true] {
                let h = 6
                let bytes = (0..<(inW * h)).map { _ in white ? UInt8(255) : UInt8(rng.below(256)) }
                let image = Image(width: inW, height: h, channels: 1, pixels: bytes)
                #expect(image.resampledHorizontally(taps) == image.resampledHorizontally(taps, vectorized: false),
                        "\(inW) → \(outW) white \(white)")
            }
        }
        // The realistic cases do take the 8-wide path: at most 8 taps per output pixel.
        #expect(ResampleTaps(inSize: 520, outSize: 224).ksize == 7 && ResampleTaps(inSize: 300, outSize: 100).ksize == 7)
    }

    /// Both passes together, on a decoded-size X-ray stand-in: the whole resize equals the one
    /// made with the scalar horizontal loop.
    @Test func wholeResizeUnchanged() {
        var rng = RNG(seed: 6)
        let image = Image(width: 520, height: 408, channels: 1, pixels: (0..<(520 * 408)).map { _ in UInt8(rng.below(256)) })
        let size = ImageSize(width: 240, height: 240)
        let scalar = image.resampledHorizontally(ResampleTaps(inSize: 520, outSize: 240), vectorized: false)
            .resized(to: size)
        #expect(image.resized(to: size) == scalar)
    }
}
