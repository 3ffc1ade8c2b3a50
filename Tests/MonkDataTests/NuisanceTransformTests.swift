// Blur, gamma and JPEG re-compression: hand-computed taps, a formula, and Pillow's encoder.
import Foundation
import Testing
import MonkEngine
@testable import MonkData
import MonkVocabulary

@Suite struct NuisanceTransformTests {
    /// A gray float image from a byte formula (R = G = B).
    static func gray(_ w: Int, _ h: Int, _ v: (Int, Int) -> Int) -> FloatImage {
        var im = FloatImage(width: w, height: h)
        for y in 0..<h { for x in 0..<w { for c in 0..<3 { im[x, y, c] = Float(v(x, y)) / 255 } } }
        return im
    }

    // sigma 1 spans ±3: weights exp(-k²/2) = 1, 0.606531, 0.135335, 0.011109 (by hand), summing
    // to 2.505949, so the centre tap is 0.399050 and an impulse's centre after both passes
    // 0.399050² = 0.159241.
    @Test func blurTapsAndImpulse() {
        let taps = GaussianBlur.taps(sigma: 1)
        #expect(taps.count == 7)
        #expect(abs(taps[3] - 0.399050) < 1e-5 && abs(taps[0] - 0.011109 / 2.505949) < 1e-6)
        var im = FloatImage(width: 9, height: 9)
        for c in 0..<3 { im[4, 4, c] = 1 }
        let out = im.blurred(sigma: 1)
        #expect(abs(out[4, 4, 0] - 0.159241) < 1e-5)
        #expect(abs(out[5, 4, 1] - 0.399050 * 0.242036) < 1e-5)   // 0.606531 / 2.505949 = 0.242036
        #expect(abs(out.pixels.reduce(0, +) - 3) < 1e-4)           // nothing leaves a 9×9 image at ±3
    }

    @Test func blurKeepsAFlatImageFlat() {
        let flat = Self.gray(12, 5) { _, _ in 77 }
        let out = flat.blurred(sigma: 1.7)
        #expect(out.pixels.allSatisfy { abs($0 - 77.0 / 255) < 1e-6 })
    }

    // v^g: 0.25² = 0.0625, 0.25^0.5 = 0.5; 0 and 1 are fixed points.
    @Test func gammaFormula() {
        let im = FloatImage(width: 2, height: 1, pixels: [0.25, 0, 1, 0.25, 0.25, 0.25])
        #expect(im.gammaAdjusted(2).pixels == [0.0625, 0, 1, 0.0625, 0.0625, 0.0625])
        #expect(im.gammaAdjusted(0.5).pixels[0] == 0.5)
    }

    // Reference: Pillow 13 (libjpeg-turbo) `Image.frombytes('L', (24, 16), v).save(b, 'JPEG',
    // quality=q)` then decoded, with v = (5x + 3y + (xy mod 7)) mod 256: the decoded bytes sum to
    // 31492 / 31631 / 30912 and differ from v by 720 / 487 / 1064 in total at q = 50 / 90 / 20.
    @Test(arguments: [(50, 31492, 720), (90, 31631, 487), (20, 30912, 1064)])
    func jpegMatchesPillow(quality: Int, sum: Int, damage: Int) {
        let f: (Int, Int) -> Int = { x, y in (x * 5 + y * 3 + (x * y) % 7) % 256 }
        let im = Self.gray(24, 16, f)
        let out = im.jpegRoundTrip(quality: quality)
        var total = 0, diff = 0
        for y in 0..<16 {
            for x in 0..<24 {
                let v = Int((out[x, y, 0] * 255).rounded())
                #expect(out[x, y, 1] == out[x, y, 0] && out[x, y, 2] == out[x, y, 0])   // stays gray
                total += v; diff += abs(v - f(x, y))
            }
        }
        #expect(total == sum && diff == damage)
    }

    @Test func jpegKeepsColour() {
        var im = FloatImage(width: 16, height: 16)
        for y in 0..<16 { for x in 0..<16 { im[x, y, 0] = 0.8; im[x, y, 1] = 0.2; im[x, y, 2] = Float(x) / 16 } }
        let out = im.jpegRoundTrip(quality: 95)
        let worst = zip(out.pixels, im.pixels).map { abs($0 - $1) }.max()!
        #expect(worst < 0.05 && out[3, 3, 0] > out[3, 3, 1])
    }

    // p = 0 never changes the image (and all three are random steps); p = 1 always does, with the
    // parameter drawn from the range: a degenerate range gives exactly that parameter.
    @Test func probabilityAndRange() {
        let im = Self.gray(8, 8) { x, y in x * 20 + y * 7 }
        var rng = RNG(seed: 1)
        for t: Transform in [.gaussianBlur(sigma: .init(0.5, 2), probability: 0), .randomGamma(gamma: .init(0.5, 2), probability: 0),
                             .jpegQuality(quality: .init(10, 20), probability: 0)] {
            #expect(t.isRandom && t.problem == nil)
            #expect(t.apply(im, rng: &rng) == im)
        }
        #expect(Transform.randomGamma(gamma: .init(2, 2), probability: 1).apply(im, rng: &rng) == im.gammaAdjusted(2))
        #expect(Transform.gaussianBlur(sigma: .init(1, 1), probability: 1).apply(im, rng: &rng) == im.blurred(sigma: 1))
        #expect(Transform.jpegQuality(quality: .init(40, 40), probability: 1).apply(im, rng: &rng) == im.jpegRoundTrip(quality: 40))
    }

    @Test func badSettingsAreNamed() {
        #expect(Transform.gaussianBlur(sigma: .init(0, 1), probability: 0.5).problem?.contains("sigma") == true)
        #expect(Transform.randomGamma(gamma: .init(0.5, 2), probability: 1.5).problem?.contains("probability") == true)
        #expect(Transform.jpegQuality(quality: .init(0, 50), probability: 0.5).problem?.contains("quality") == true)
    }
}
