// Histogram equalisation: against Pillow's ImageOps.equalize (Pillow 13.0.0, outputs recorded
// below next to the images they came from), a table worked by hand, and the invariance it is for.
import Testing
import MonkEngine
@testable import MonkData
import MonkVocabulary

@Suite struct EqualizeTests {
    /// A gray image (R = G = B) of whole levels, row by row.
    static func gray(_ w: Int, _ h: Int, _ levels: [Int]) -> FloatImage {
        var im = FloatImage(width: w, height: h)
        for (p, v) in levels.enumerated() { for c in 0..<3 { im.pixels[3 * p + c] = Float(v) / 255 } }
        return im
    }

    static func levels(_ im: FloatImage, channel c: Int = 0) -> [Int] {
        (0..<(im.width * im.height)).map { Int((im.pixels[3 * $0 + c] * 255).rounded()) }
    }

    // 300 pixels at level 10, 211 at 20, 5 at 30: step = (516 − 5) / 255 = 2 (integer division),
    // so level 10 → ⌊(1 + 0)/2⌋ = 0, 20 → ⌊(1 + 300)/2⌋ = 150, 30 → ⌊(1 + 511)/2⌋ = 256, which
    // saturates at 255 (Pillow 13 gives 0, 150, 255 for this image).
    @Test func tableByHandSaturatesAt255() {
        let im = Self.gray(516, 1, Array(repeating: 10, count: 300) + Array(repeating: 20, count: 211) + Array(repeating: 30, count: 5))
        let out = Self.levels(im.equalized())
        #expect(out[0] == 0 && out[300] == 150 && out[515] == 255)
        #expect(Set(out) == [0, 150, 255])
    }

    // Pillow leaves a band alone when fewer than 255 pixels lie below its top level (step 0):
    // this 8×4 image comes back unchanged from ImageOps.equalize, and a constant one too.
    @Test func tooFewPixelsOrOneLevelLeaveTheImage() {
        let levels: [Int] = [0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 25, 30, 40, 50,
                             60, 70, 80, 100, 120, 150, 200, 255]
        let im = Self.gray(8, 4, levels)
        #expect(im.equalized() == im)
        let flat = Self.gray(20, 20, Array(repeating: 77, count: 400))
        #expect(flat.equalized() == flat)
    }

    // Levels (i² mod 97) for i = 0…599, a 30×20 image: Pillow 13's ImageOps.equalize gives the
    // 40 levels below first, 86,541 in all, and Σ (k+1)·level_k mod 1,000,003 = 848,474.
    @Test func matchesPillow() {
        let im = Self.gray(30, 20, (0..<600).map { ($0 * $0) % 97 })
        let out = Self.levels(im.equalized())
        let pillow: [Int] = [0, 4, 23, 42, 60, 85, 122, 153, 190, 239, 17, 79, 141, 215, 10, 98, 184, 255, 110, 209,
                             54, 166, 255, 135, 255, 129, 255, 160, 36, 197, 92, 255, 172, 73, 255, 178, 116, 48, 252, 203]
        #expect(Array(out.prefix(40)) == pillow)
        #expect(out.reduce(0, +) == 86_541)
        var weighted = 0
        for (k, level) in out.enumerated() { weighted = (weighted + (k + 1) * level) % 1_000_003 }
        #expect(weighted == 848_474)
        // Gray stays gray: every channel got the same table.
        let e = im.equalized()
        #expect(Self.levels(e, channel: 1) == out && Self.levels(e, channel: 2) == out)
    }

    // Each channel has its own table: R = 7i mod 256, G = i² mod 256, B = 40 for i < 512 (32×16).
    // Pillow 13: first pixels (0,0,40) (7,32,40) (14,40,40) (21,56,40) (28,64,40) (35,104,40);
    // channel sums 65,280, 95,624 and 20,480 (B is one level, kept).
    @Test func colourChannelsSeparately() {
        var im = FloatImage(width: 32, height: 16)
        for i in 0..<512 {
            im.pixels[3 * i] = Float((i * 7) % 256) / 255
            im.pixels[3 * i + 1] = Float((i * i) % 256) / 255
            im.pixels[3 * i + 2] = Float(40) / 255
        }
        let e = im.equalized()
        let r = Self.levels(e, channel: 0), g = Self.levels(e, channel: 1), b = Self.levels(e, channel: 2)
        let pillowR: [Int] = [0, 7, 14, 21, 28, 35], pillowG: [Int] = [0, 32, 40, 56, 64, 104]
        #expect(Array(r.prefix(6)) == pillowR && Array(g.prefix(6)) == pillowG)
        #expect(r.reduce(0, +) == 65_280 && g.reduce(0, +) == 95_624 && b.reduce(0, +) == 20_480)
    }

    // What it is for: the same picture 40 levels brighter (a strictly increasing map of its
    // levels) has the same cumulative counts at corresponding levels, so it equalises to
    // exactly the same image.
    @Test func brighterCopyEqualisesToTheSameImage() {
        let levels = (0..<600).map { ($0 * $0) % 97 + ($0 % 7) * 17 }   // 0…198
        let im = Self.gray(30, 20, levels), brighter = Self.gray(30, 20, levels.map { $0 + 40 })
        #expect(im != brighter)
        #expect(im.equalized() == brighter.equalized())
    }

    // The transform: deterministic, valid, and values off the level grid (after a rotation)
    // or outside [0, 1] go to the nearest level first.
    @Test func transformStep() {
        var rng = RNG(seed: 1)
        let im = Self.gray(30, 20, (0..<600).map { ($0 * $0) % 97 })
        #expect(Transform.equalize.apply(im, rng: &rng) == im.equalized())
        #expect(!Transform.equalize.isRandom && Transform.equalize.problem == nil && Transform.equalize.kind == .equalize)
        var off = im
        for i in off.pixels.indices { off.pixels[i] += 0.4 / 255 }
        off.pixels[0] = -0.5; off.pixels[1] = -0.5; off.pixels[2] = -0.5
        var onGrid = im
        onGrid.pixels[0] = 0; onGrid.pixels[1] = 0; onGrid.pixels[2] = 0
        #expect(off.equalized() == onGrid.equalized())
    }
}
