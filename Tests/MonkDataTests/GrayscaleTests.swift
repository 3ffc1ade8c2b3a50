// The grayscale transform puts ITU-R 601 luma into all three channels.
import Testing
@testable import MonkData
import MonkVocabulary
import MonkEngine

@Suite struct GrayscaleTests {
    @Test func lumaOfPrimariesAndGray() {
        // Pixels: red, green, blue, mid gray. Expected luma by hand: 0.299, 0.587, 0.114, 0.5.
        let im = FloatImage(width: 4, height: 1, pixels: [1, 0, 0,  0, 1, 0,  0, 0, 1,  0.5, 0.5, 0.5])
        var rng = RNG(seed: 0)
        let out = Transform.grayscale.apply(im, rng: &rng)
        let expected: [Float] = [0.299, 0.587, 0.114, 0.5]
        for p in 0..<4 { for c in 0..<3 { #expect(abs(out.pixels[3 * p + c] - expected[p]) < 1e-6) } }
        #expect(!Transform.grayscale.isRandom)
        #expect(Transform.grayscale.problem == nil)
    }
}
