// Resize against Pillow, flips and crops by hand, normalisation by formula, seeded augmentation.
import Foundation
import Testing
import MonkEngine
@testable import MonkData
import MonkVocabulary

@Suite struct ResizeTests {
    // expected.json holds Pillow 13 `resize((w, h), Image.BILINEAR)` of the 37x23 v8 pattern.
    @Test(arguments: ["L", "RGB"], [(10, 7), (50, 31), (37, 9)])
    func uint8MatchesPillowExactly(mode: String, size: (Int, Int)) {
        let src = Fixtures.pattern(width: 37, height: 23, channels: mode == "L" ? 1 : 3)
        let want = Fixtures.expected["resize_\(mode)_37x23_to_\(size.0)x\(size.1)"]!.image
        #expect(src.resized(to: ImageSize(width: size.0, height: size.1)) == want)
    }

    // The float path uses the same filter without 8-bit rounding between the passes, so it may
    // differ from Pillow's bytes by at most one level (plus Pillow's own final rounding).
    @Test func floatCloseToPillow() {
        let src = FloatImage(Fixtures.pattern(width: 37, height: 23, channels: 3))
        let out = src.resized(to: ImageSize(width: 10, height: 7))
        let want = Fixtures.expected["resize_RGB_37x23_to_10x7"]!.pixels!
        let maxDiff = zip(out.pixels, want).map { abs($0 * 255 - Float($1)) }.max()!
        #expect(maxDiff <= 1.0)
    }

    // torchvision's float antialiased bilinear (`resize(t, antialias=True)`, expected.json) uses
    // the same filter as Pillow without 8-bit rounding: the float path must agree to float error.
    @Test(arguments: [(10, 7), (50, 31)])
    func floatMatchesTorchvision(size: (Int, Int)) {
        let src = FloatImage(Fixtures.pattern(width: 37, height: 23, channels: 3))
        let out = src.resized(to: ImageSize(width: size.0, height: size.1))
        let want = Fixtures.expected["torchvision_float_37x23_to_\(size.0)x\(size.1)"]!.floats!
        let maxDiff = zip(out.pixels, want).map { abs($0 - $1) }.max()!
        #expect(out.pixels.count == want.count && maxDiff < 1e-5, "max difference \(maxDiff)")
    }

    // A box resize equals a crop followed by a resize away from the box edges (at the edges the
    // box version also weighs the pixels just outside the box, as Pillow's does), and a box
    // covering the whole image is a plain resize.
    @Test func boxEqualsCropThenResize() {
        let src = FloatImage(Fixtures.pattern(width: 37, height: 23, channels: 3))
        let a = src.resized(to: ImageSize(width: 8, height: 5), box: (4, 3, 28, 18))
        let b = src.cropped(x0: 4, y0: 3, width: 24, height: 15).resized(to: ImageSize(width: 8, height: 5))
        for y in 1..<4 { for x in 1..<7 { for c in 0..<3 { #expect(abs(a[x, y, c] - b[x, y, c]) < 1e-5) } } }
        #expect(src.resized(to: ImageSize(width: 8, height: 5), box: (0, 0, 37, 23)) == src.resized(to: ImageSize(width: 8, height: 5)))
    }
}

@Suite struct TransformTests {
    let im = FloatImage(Fixtures.pattern(width: 4, height: 3, channels: 3))
    func v(_ x: Int, _ y: Int, _ c: Int) -> Float { Float(Fixtures.v8(x, y, c)) / 255 }

    @Test func flipsAreExact() {
        let h = im.flippedHorizontally(), vf = im.flippedVertically()
        for y in 0..<3 { for x in 0..<4 { for c in 0..<3 {
            #expect(h[x, y, c] == v(3 - x, y, c))
            #expect(vf[x, y, c] == v(x, 2 - y, c))
        } } }
        var rng = RNG(seed: 1)
        #expect(Transform.horizontalFlip(probability: 1).apply(im, rng: &rng) == h)
        #expect(Transform.horizontalFlip(probability: 0).apply(im, rng: &rng) == im)
    }

    // torchvision: top = round((3 - 2) / 2) = 0 (half to even), left = round((4 - 2) / 2) = 1.
    @Test func centerCrop() {
        var rng = RNG(seed: 1)
        let c = Transform.centerCrop(size: 2).apply(im, rng: &rng)
        #expect(c.pixels == [v(1, 0, 0), v(1, 0, 1), v(1, 0, 2), v(2, 0, 0), v(2, 0, 1), v(2, 0, 2),
                             v(1, 1, 0), v(1, 1, 1), v(1, 1, 2), v(2, 1, 0), v(2, 1, 1), v(2, 1, 2)])
    }

    // A 90° turn maps out(x, y) = in(N-1-y, x) on a square image (counter-clockwise).
    @Test func rotation90() {
        let sq = FloatImage(Fixtures.pattern(width: 4, height: 4, channels: 3))
        let r = sq.rotated(degrees: 90)
        for y in 0..<4 { for x in 0..<4 { for c in 0..<3 {
            #expect(abs(r[x, y, c] - sq[3 - y, x, c]) < 1e-5)
        } } }
    }

    // Brightness 0.5 then contrast 2 on two gray pixels 0.2 and 0.6: after brightness 0.1, 0.3,
    // mean gray 0.2 (0.299+0.587+0.114 = 1), so (0.1-0.2)*2+0.2 = 0 and (0.3-0.2)*2+0.2 = 0.4.
    @Test func brightnessContrastByHand() {
        let two = FloatImage(width: 2, height: 1, pixels: [0.2, 0.2, 0.2, 0.6, 0.6, 0.6])
        let out = two.adjusted(brightness: 0.5, contrast: 2)
        let want: [Float] = [0, 0, 0, 0.4, 0.4, 0.4]
        #expect(zip(out.pixels, want).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func normalisationIsExact() {
        var out = [Float](repeating: 0, count: 36)
        Normalization.imagenet.write(im, to: &out)
        let mean: [Float] = [0.485, 0.456, 0.406], std: [Float] = [0.229, 0.224, 0.225]
        for p in 0..<12 { for c in 0..<3 {
            #expect(out[3 * p + c] == (Float(Fixtures.v8(p % 4, p / 4, c)) / 255 - mean[c]) / std[c])
        } }
    }

    // Padding 2 around a 4x3 image, then a 3x3 crop: every pixel is either 0 or the source
    // pixel shifted by one common offset.
    @Test func randomCropWithPaddingIsAShift() {
        for seed in UInt64(0)..<20 {
            var rng = RNG(seed: seed)
            let out = Transform.randomCrop(size: 3, padding: 2).apply(im, rng: &rng)
            var rng2 = RNG(seed: seed)
            let dx = rng2.below(4 + 4 - 3 + 1) - 2, dy = rng2.below(3 + 4 - 3 + 1) - 2
            for y in 0..<3 { for x in 0..<3 { for c in 0..<3 {
                let sx = x + dx, sy = y + dy
                let want: Float = (0..<4).contains(sx) && (0..<3).contains(sy) ? v(sx, sy, c) : 0
                #expect(out[x, y, c] == want)
            } } }
        }
    }

    @Test func randomResizedCropBoxStaysInRange() {
        var rng = RNG(seed: 7)
        for _ in 0..<200 {
            let b = Transform.resizedCropBox(width: 40, height: 30, scale: ClosedInterval(0.08, 1),
                                             ratio: ClosedInterval(0.75, 4.0 / 3), rng: &rng)
            #expect(b.x >= 0 && b.y >= 0 && b.x + b.w <= 40 && b.y + b.h <= 30 && b.w > 0 && b.h > 0)
        }
    }

    // Same (seed, epoch, index) → same pixels; another epoch → different pixels.
    @Test func sameSeedSameAugmentation() {
        let pipeline = SamplePipeline(transforms: [.randomResizedCrop(size: 16), .horizontalFlip(probability: 0.5),
                                                   .randomRotation(degrees: 10), .colorJitter(brightness: 0.2, contrast: 0.2)])
        let src = Fixtures.pattern(width: 37, height: 23, channels: 3)
        func run(epoch: UInt64) -> FloatImage {
            var rng = AugmentationSeed(seed: 42).rng(epoch: epoch, index: 3)
            return pipeline.transform(src, rng: &rng)
        }
        #expect(run(epoch: 1) == run(epoch: 1))
        #expect(run(epoch: 1) != run(epoch: 2))
        #expect(run(epoch: 1).size == ImageSize(16))
    }
}
