// Every supported format decoded pixel by pixel against values whose source is stated.
import Foundation
import Testing
@testable import MonkData

@Suite struct PNGDecodeTests {
    func decode(_ name: String) throws -> Image { try ImageDecoder.decode(contentsOf: Fixtures.url(name)).image }

    // 8-bit PNGs hold the v8 formula (make_fixtures.py), one of them Adam7-interlaced; alpha
    // must be dropped, not composited.
    @Test func eightBitFormats() throws {
        for (name, channels) in [("gray8.png", 1), ("gray_alpha8.png", 1), ("rgb8.png", 3), ("rgba8.png", 3), ("rgb8_interlaced.png", 3)] {
            let im = try decode(name)
            #expect(im.width == 7 && im.height == 5 && im.channels == channels, "\(name)")
            #expect(im == Fixtures.pattern(width: 7, height: 5, channels: channels), "\(name)")
        }
    }

    // Palette entry i is (40i, 255-30i, 7i+1), index (x + 2y) % 6.
    @Test func palette() throws {
        let im = try decode("palette8.png")
        #expect(im.channels == 3)
        for y in 0..<5 { for x in 0..<7 {
            let i = (x + 2 * y) % 6
            #expect([im[x: x, y: y, c: 0], im[x: x, y: y, c: 1], im[x: x, y: y, c: 2]] == [UInt8(40 * i), UInt8(255 - 30 * i), UInt8(7 * i + 1)])
        } }
    }

    // 1-bit gray expands to 0/255.
    @Test func oneBitGray() throws {
        let im = try decode("gray1.png")
        for y in 0..<5 { for x in 0..<7 { #expect(im[x: x, y: y, c: 0] == ((x + y) % 2 == 0 ? 255 : 0)) } }
    }

    // 16-bit samples v16 round to 8 bits as round(v * 255 / 65535) (libpng's png_set_scale_16).
    @Test func sixteenBit() throws {
        for (name, channels) in [("gray16.png", 1), ("rgb16.png", 3), ("rgba16.png", 3)] {
            let im = try decode(name)
            #expect(im.channels == channels)
            for y in 0..<5 { for x in 0..<7 { for c in 0..<channels {
                let want = UInt8((Double(Fixtures.v16(x, y, c)) * 255 / 65535).rounded())
                #expect(im[x: x, y: y, c: c] == want, "\(name) (\(x),\(y),\(c))")
            } } }
        }
    }
}

@Suite struct JPEGDecodeTests {
    // Expected pixels are Pillow 13's decode of the same files (libjpeg-turbo, islow IDCT,
    // fancy upsampling; CMYK converted by Pillow's cmyk2rgb), recorded in expected.json.
    @Test(arguments: ["rgb_baseline.jpg", "rgb_progressive.jpg", "gray_baseline.jpg", "gray_progressive.jpg", "cmyk.jpg"])
    func matchesPillow(name: String) throws {
        let d = try ImageDecoder.decode(contentsOf: Fixtures.url(name))
        let want = Fixtures.expected[name]!.image
        #expect(d.format == .jpeg)
        #expect(d.image.width == want.width && d.image.height == want.height && d.image.channels == want.channels)
        let maxDiff = zip(d.image.pixels, want.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 99
        #expect(maxDiff == 0, "\(name): max difference \(maxDiff)")
    }

    // atLeast 16x12 on a 64x48 JPEG picks scale 1/4; Pillow's draft("L", (16, 12)) asks libjpeg
    // for the same scale.
    @Test func scaledDecodeMatchesPillowDraft() throws {
        let d = try ImageDecoder.decode(contentsOf: Fixtures.url("gray_64x48.jpg"), atLeast: ImageSize(width: 16, height: 12))
        #expect(d.storedSize == ImageSize(width: 64, height: 48))
        #expect(d.image == Fixtures.expected["gray_64x48.jpg@16x12"]!.image)
        // One pixel more than a quarter forces 1/2 scale.
        let half = try ImageDecoder.decode(contentsOf: Fixtures.url("gray_64x48.jpg"), atLeast: ImageSize(width: 17, height: 12))
        #expect(half.image.width == 32 && half.image.height == 24)
    }
}

@Suite struct BadFileDecodeTests {
    func reason(_ name: String) -> ImageDecodeError? {
        do { _ = try ImageDecoder.decode(contentsOf: Fixtures.url(name)); return nil } catch { return error }
    }

    @Test func eachBadFileHasAClearReason() {
        #expect(reason("bad_empty.jpg") == .empty)
        #expect(reason("bad_gif_named.jpg") == .unsupportedFormat(.gif))
        #expect(reason("bad_random.jpg") == .unsupportedFormat(.unknown))
        #expect(reason("bad_truncated.jpg") == .corrupt(.jpeg, "truncated: premature end of JPEG data"))
        #expect(reason("bad_crc.png") == .corrupt(.png, "IDAT: CRC error"))
        #expect("\(reason("bad_gif_named.jpg")!)" == "unsupported format GIF (only JPEG and PNG are read)")
    }

    @Test func missingFileIsUnreadable() {
        do {
            _ = try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: "/nonexistent/x.jpg"))
            Issue.record("decoded a missing file")
        } catch {
            #expect("\(error)" == "cannot read file: folder /nonexistent does not exist")
        }
    }
}
