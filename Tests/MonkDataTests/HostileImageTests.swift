// Hostile and damaged image files (issue 13, items 2, 5 and 7): each is refused by name with
// its reason — never decoded at a size the file merely claims, never accepted half gray.
import Foundation
import Testing
@testable import MonkData

@Suite struct HostileImageTests {
    func decode(_ bytes: [UInt8], limits: ImageLimits = ImageLimits()) -> Result<DecodedImage, ImageDecodeError> {
        do throws(ImageDecodeError) { return .success(try ImageDecoder.decode(Data(bytes), limits: limits)) } catch { return .failure(error) }
    }

    func failure(_ bytes: [UInt8], limits: ImageLimits = ImageLimits()) -> String? {
        if case .failure(let e) = decode(bytes, limits: limits) { return e.description }
        return nil
    }

    /// The 576-byte progressive JPEG claiming 65500×65500 (4.29 G pixels): refused from its
    /// header, in well under a second, instead of 31–57 s and 12.8 GB.
    @Test(.timeLimit(.minutes(1))) func progressiveJPEGBombIsRefusedBeforeDecoding() {
        let bomb = HostileCorpus.jpegClaiming(width: 65500, height: 65500)
        #expect(bomb.count == 576)
        let start = Date()
        guard case .failure(let error) = decode(bomb) else { Issue.record("decoded"); return }
        #expect(error == .tooManyPixels(.jpeg, declared: ImageSize(width: 65500, height: 65500), limit: ImageLimits.defaultMaxPixels))
        // 65500² = 4,290,250,000; the limit 89,478,485.
        #expect(error.description.contains("65500×65500 = 4.29 G pixels") && error.description.contains("89.5 M"), "\(error)")
        #expect(Date().timeIntervalSince(start) < 5)
    }

    /// The limit is the setting's value: the 16×16 fixtures (256 pixels) pass a limit of 256 and
    /// are refused at 255, for JPEG and PNG alike, before any pixel memory is used.
    @Test func limitIsExactAndConfigurable() {
        for name in ["rgb_progressive.jpg", "rgb_baseline.jpg"] {
            let bytes = HostileCorpus.fixture(name)
            #expect(failure(bytes, limits: ImageLimits(maxPixels: 256)) == nil, "\(name)")
            #expect(failure(bytes, limits: ImageLimits(maxPixels: 255))?.contains("16×16 = 256 pixels") == true, "\(name)")
        }
        let png = HostileCorpus.fixture("rgb8.png")  // 7×5
        #expect(failure(png, limits: ImageLimits(maxPixels: 35)) == nil)
        guard case .failure(let e) = decode(png, limits: ImageLimits(maxPixels: 34)) else { Issue.record("decoded"); return }
        #expect(e == .tooManyPixels(.png, declared: ImageSize(width: 7, height: 5), limit: 34))
    }

    /// A PNG header of 30000×30000 (900 M pixels, 2.7 GB decoded) with a few bytes of data.
    @Test(.timeLimit(.minutes(1))) func pngBombIsRefusedBeforeDecoding() {
        guard case .failure(let e) = decode(HostileCorpus.pngBomb()) else { Issue.record("decoded"); return }
        #expect(e == .tooManyPixels(.png, declared: ImageSize(width: 30000, height: 30000), limit: ImageLimits.defaultMaxPixels))
    }

    /// A relative of the bomb found while fixing it: a valid 4096×1 PNG (12 kB, 4096 pixels)
    /// under the default preprocessing (shorter side to 256) would become 1,048,576×256 =
    /// 268 M pixels (805 MB). The resized size is bounded by the same limit.
    @Test(.timeLimit(.minutes(1))) func elongatedImageCannotResizeIntoABomb() throws {
        let strip = HostileCorpus.png(width: 4096, height: 1)
        let pre = Preprocessing(resize: .shorterSide(side: 256))
        do {
            _ = try pre.prepare(Data(strip))
            Issue.record("resized")
        } catch {
            #expect(error == .resizeTooLarge(stored: ImageSize(width: 4096, height: 1), resized: ImageSize(width: 1_048_576, height: 256),
                                             limit: ImageLimits.defaultMaxPixels))
            #expect(error.description == "a 4096×1 image resized to 1048576×256 would have 268.4 M pixels, more than the limit of 89.5 M (max_image_pixels)")
        }
        // The same image resized to an exact size is fine.
        #expect(try Preprocessing(resize: .exact(size: ImageSize(32))).prepare(Data(strip)).image.width == 32)
    }

    /// Cut in the middle of the scan with the end-of-image marker put back: libjpeg only warns
    /// and fills the rest with gray. The warning is corruption.
    @Test func jpegCutMidScanKeepingEOIIsCorrupt() {
        for name in ["rgb_baseline.jpg", "rgb_progressive.jpg", "gray_baseline.jpg"] {
            let why = failure(HostileCorpus.jpegCutKeepingEOI(name))
            #expect(why?.hasPrefix("corrupt JPEG: damaged compressed data (") == true, "\(name): \(why ?? "decoded")")
        }
        #expect(failure(HostileCorpus.jpegJunkBeforeEOI())?.contains("extraneous bytes before marker 0xd9") == true)
        // The intact files still decode (the warning check has no false alarm on them).
        for name in ["rgb_baseline.jpg", "rgb_progressive.jpg", "gray_baseline.jpg", "gray_progressive.jpg", "cmyk.jpg"] {
            #expect(failure(HostileCorpus.fixture(name)) == nil, "\(name)")
        }
    }

    /// A 28 kB progressive JPEG of 600 scans: each scan passes over the whole image, so the
    /// count is capped (500, libjpeg-turbo's own fuzzing limit).
    @Test(.timeLimit(.minutes(1))) func tooManyProgressiveScansAreRefused() {
        let many = HostileCorpus.jpegWithScans(600)
        #expect(failure(many) == "corrupt JPEG: more than 500 progressive scans")
    }

    /// libpng's damage warnings: too much image data, a CRC error in an ancillary chunk.
    /// An odd iCCP profile (metadata monkpipe ignores) is not damage.
    @Test func pngDamageWarningsAreCorruption() {
        let w = 4, h = 3
        let rows = (0..<h).flatMap { _ in [UInt8(0)] + [UInt8](repeating: 9, count: 3 * w) }
        #expect(failure(HostileCorpus.png(width: w, height: h, rows: rows)) == nil)
        let tooMuch = HostileCorpus.png(width: w, height: h, rows: rows + [UInt8](repeating: 0, count: 40))
        #expect(failure(tooMuch) == "corrupt PNG: IDAT: Too much image data")
        var text = HostileCorpus.chunk("tEXt", Array("Comment\0hello".utf8))
        text[text.count - 1] ^= 1
        #expect(failure(HostileCorpus.png(width: w, height: h, rows: rows, before: text)) == "corrupt PNG: tEXt: CRC error")
        #expect(failure(HostileCorpus.png(width: w, height: h, rows: rows, after: text)) == "corrupt PNG: tEXt: CRC error")
        let oddProfile = HostileCorpus.chunk("iCCP", Array("x\0\0".utf8) + HostileCorpus.zlibStored(Array("not a profile".utf8)))
        #expect(failure(HostileCorpus.png(width: w, height: h, rows: rows, before: oddProfile)) == nil)
        // Too little data was already an error.
        #expect(failure(HostileCorpus.png(width: w, height: h, rows: Array(rows.prefix(20))))?.contains("Not enough image data") == true)
    }

    /// A file larger than the limit is refused from its size alone (sparse here: no disk used).
    @Test(.timeLimit(.minutes(1))) func oversizedFileIsRefusedWithItsRealSize() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let url = tmp.url.appendingPathComponent("huge.jpg")
        #expect(FileManager.default.createFile(atPath: url.path, contents: Data(HostileCorpus.fixture("rgb_baseline.jpg"))))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 1_000_000_000)
        try handle.close()
        do {
            _ = try ImageDecoder.decode(contentsOf: url)
            Issue.record("decoded a 1 GB file")
        } catch {
            #expect(error.description == "cannot read file: is 1.0 GB (1,000,000,000 bytes), more than the limit of 268.4 MB (268,435,456 bytes) for an image file (max_image_bytes)")
        }
    }

    /// Hashing streams: a 2.5 MiB sparse file hashes to SHA-256 of 2.5 MiB of zeros
    /// (`head -c 2621440 /dev/zero | sha256sum`), read in three pieces of at most 1 MiB.
    @Test func fileHashStreams() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let url = tmp.url.appendingPathComponent("zeros")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        let handle = try FileHandle(forWritingTo: url)
        try handle.truncate(atOffset: 2_621_440)
        try handle.close()
        #expect(try FileBytes.sha256(url) == "6de7493c5c90f643357c268fbaaf461c1567e0334e4948023ce17268403aa37a")
    }
}
