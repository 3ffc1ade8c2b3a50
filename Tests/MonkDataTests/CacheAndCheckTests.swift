// The pixel cache (hits counted, invalidated by content) and the dataset check report.
import Foundation
import Testing
@testable import MonkData
import MonkEngine
import MonkVocabulary

@Suite struct PixelCacheTests {
    func bytes(_ name: String) -> Data { try! Data(contentsOf: Fixtures.url(name)) }

    @Test func secondScanDecodesNothingAndAChangedFileIsDecodedAgain() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let data = tmp.url.appendingPathComponent("data")
        _ = tmp.file("data/a/1.png", bytes("rgb8.png"))
        _ = tmp.file("data/a/2.jpg", bytes("rgb_baseline.jpg"))
        let changing = tmp.file("data/b/3.png", bytes("gray8.png"))
        let dataset = try Dataset.load(root: data, layout: .folderPerClass)
        let pre = Preprocessing(resize: .exact(size: ImageSize(width: 5, height: 4)))

        let first = PixelCache(root: tmp.url.appendingPathComponent("cache"))
        _ = ImageScanner.scan(dataset, preprocessing: pre, cache: first, threads: 2)
        #expect(first.statistics.decodes == 3 && first.statistics.hits == 0)

        // A new cache object on the same folder (a later run): everything is a hit.
        let second = PixelCache(root: first.root)
        let scanned = ImageScanner.scan(dataset, preprocessing: pre, cache: second, threads: 2)
        #expect(second.statistics.decodes == 0 && second.statistics.hits == 3)
        let cached = try second.prepared(contentsOf: dataset.url(of: dataset.items[0]), contentHash: scanned[0].hash!, preprocessing: pre)
        #expect(cached.image == (try ImageDecoder.decode(bytes("rgb8.png")).image.resized(to: ImageSize(width: 5, height: 4))))
        #expect(cached.storedSize == ImageSize(width: 7, height: 5))

        // Content change → new hash → miss; other settings → miss.
        try bytes("palette8.png").write(to: changing)
        let third = PixelCache(root: first.root)
        _ = ImageScanner.scan(dataset, preprocessing: pre, cache: third, threads: 1)
        #expect(third.statistics.decodes == 1 && third.statistics.hits == 2)
        _ = ImageScanner.scan(dataset, preprocessing: Preprocessing(resize: .exact(size: ImageSize(3))), cache: third, threads: 1)
        #expect(third.statistics.decodes == 4)
        // No temporary files are left behind by the atomic writes.
        let leftovers = FileManager.default.enumerator(atPath: first.root.path)!.compactMap { $0 as? String }.filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func damagedEntryIsAMiss() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let cache = PixelCache(root: tmp.url)
        let pre = Preprocessing(resize: .none)
        let hash = SHA256.hex(bytes("gray8.png"))
        _ = try cache.prepared(data: bytes("gray8.png"), contentHash: hash, preprocessing: pre)
        try Data("MPX1 garbage".utf8).write(to: cache.url(forKey: PixelCache.key(contentHash: hash, preprocessing: pre)))
        let again = try cache.prepared(data: bytes("gray8.png"), contentHash: hash, preprocessing: pre)
        #expect(again.image == Fixtures.pattern(width: 7, height: 5, channels: 1))
        #expect(cache.statistics.decodes == 2)
        // Unknown content (empty hash) is never cached: two different files must not share an entry.
        let a = try cache.prepared(data: bytes("gray8.png"), contentHash: "", preprocessing: pre)
        let b = try cache.prepared(data: bytes("rgb8.png"), contentHash: "", preprocessing: pre)
        #expect(a.image.channels == 1 && b.image.channels == 3 && cache.statistics.decodes == 4)
    }
}

/// A pixel file damaged on disk (issue 13, item 9): one flipped byte, a cut, a header that
/// claims more pixels than the file holds. Each is reported by path, decoded again and
/// rewritten — never handed to training.
@Suite struct PixelCacheDamageTests {
    func bytes(_ name: String) -> Data { try! Data(contentsOf: Fixtures.url(name)) }

    final class Reports: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
        func add(_ s: String) { lock.withLock { lines.append(s) } }
    }

    @Test func damagedEntriesAreReportedAndRewritten() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let reports = Reports()
        let cache = PixelCache(root: tmp.url, reportDamaged: reports.add)
        let pre = Preprocessing(resize: .none)
        let data = bytes("rgb8.png")
        let hash = SHA256.hex(data)
        let good = try cache.prepared(data: data, contentHash: hash, preprocessing: pre)
        let entry = cache.url(forKey: PixelCache.key(contentHash: hash, preprocessing: pre))
        let original = try Data(contentsOf: entry)
        #expect(original == PixelCache.encode(good))

        // 1. one pixel byte flipped (the header and length still look right)
        var flipped = original
        flipped[original.count - 9] ^= 0x01
        // 2. cut short; 3. a header claiming 2^32-1 × 2^32-1 pixels (the product overflows Int)
        var huge = original
        for i in 8..<16 { huge[i] = 0xFF }
        for (n, damaged) in [flipped, original.prefix(original.count - 5), huge].enumerated() {
            try damaged.write(to: entry)
            let again = try cache.prepared(data: data, contentHash: hash, preprocessing: pre)
            #expect(again == good, "case \(n)")
            #expect(try Data(contentsOf: entry) == original, "case \(n): rewritten")
        }
        #expect(cache.statistics.damaged == 3 && cache.statistics.decodes == 4 && cache.statistics.hits == 0)
        #expect(reports.lines.count == 3)
        #expect(reports.lines[0] == "pixel cache entry \(entry.path) is damaged (checksum mismatch); decoding the image again")
        #expect(reports.lines[1].hasPrefix("pixel cache entry \(entry.path) is damaged ("))
        #expect(reports.lines[2] == "pixel cache entry \(entry.path) is damaged (\(original.count) bytes do not hold a 4294967295x4294967295x3 image); decoding the image again")
        // An intact entry is a hit and reports nothing.
        _ = try cache.prepared(data: data, contentHash: hash, preprocessing: pre)
        #expect(cache.statistics.hits == 1 && reports.lines.count == 3)
    }
}

/// The compact entry (issue 11, item 12): a grey image decoded as RGB is stored as one plane,
/// rows minus the row above, deflated when that is smaller.
@Suite struct PixelCacheFormatTests {
    /// A 4x3 RGB image whose channels are equal (12 bytes of one plane: deflate cannot shrink it).
    static let grey: Image = {
        var pixels: [UInt8] = []
        for i in 0..<12 { pixels += [UInt8](repeating: UInt8(i * 20), count: 3) }
        return Image(width: 4, height: 3, channels: 3, pixels: pixels)
    }()

    /// A 64x64 grey ramp in RGB: every row is the row above plus 1, so the filtered rows are
    /// one row of the ramp and then all ones, which deflate to almost nothing.
    static let ramp: Image = {
        var pixels: [UInt8] = []
        for y in 0..<64 { for x in 0..<64 { pixels += [UInt8](repeating: UInt8(x + y), count: 3) } }
        return Image(width: 64, height: 64, channels: 3, pixels: pixels)
    }()

    static func header(_ d: Data, _ field: Int) -> UInt32 {
        d.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 4 + 4 * field, as: UInt32.self)) }
    }

    @Test func greyInRGBTakesOnePlane() throws {
        let entry = PreparedImage(image: Self.grey, storedSize: ImageSize(width: 40, height: 30))
        let encoded = PixelCache.encode(entry)
        // 32-byte header, 4*3 bytes of one plane stored as they are, 8-byte checksum.
        #expect(encoded.count == 32 + 12 + 8)
        #expect((Self.header(encoded, 5), Self.header(encoded, 6)) == (1, 0), "one plane, not deflated")
        #expect(try PixelCache.decode(encoded).get() == entry)
        var colour = Self.grey
        colour.pixels[7] ^= 1
        let coloured = PreparedImage(image: colour, storedSize: ImageSize(width: 4, height: 3))
        #expect(Self.header(PixelCache.encode(coloured), 5) == 3)
        #expect(try PixelCache.decode(PixelCache.encode(coloured)).get() == coloured)
    }

    @Test func smoothRowsAreDeflatedAndComeBackExactly() throws {
        let entry = PreparedImage(image: Self.ramp, storedSize: ImageSize(width: 64, height: 64))
        let encoded = PixelCache.encode(entry)
        #expect((Self.header(encoded, 5), Self.header(encoded, 6)) == (1, 1), "one plane, deflated")
        // 12,288 RGB bytes, 4,096 in one plane; deflated, the ramp takes well under 200.
        #expect(encoded.count < 32 + 200 + 8, "\(encoded.count)")
        #expect(try PixelCache.decode(encoded).get() == entry)
    }

    /// A payload that passes its checksum but does not inflate to the declared size (made on
    /// purpose: the checksum is recomputed) is damaged, and inflating stops at the declared size.
    @Test func aPayloadThatDoesNotInflateIsDamage() throws {
        let encoded = PixelCache.encode(PreparedImage(image: Self.ramp, storedSize: ImageSize(width: 64, height: 64)))
        var body = encoded.prefix(encoded.count - 8)
        // Declare 64x32: the stream holds 64 rows, more than the buffer.
        body.replaceSubrange(12..<16, with: [32, 0, 0, 0])
        var forged = Data(body)
        withUnsafeBytes(of: Checksum64.of(forged).littleEndian) { forged.append(contentsOf: $0) }
        #expect(throws: PixelCache.Damage.self) { try PixelCache.decode(forged).get() }
    }

    /// Entries written before the compact format (MPX2: 24-byte header, every channel) still read.
    @Test func earlierEntriesStillRead() throws {
        var d = Data("MPX2".utf8)
        for v: UInt32 in [3, 4, 3, 40, 30] { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Self.grey.pixels)
        withUnsafeBytes(of: Checksum64.of(d).littleEndian) { d.append(contentsOf: $0) }
        #expect(try PixelCache.decode(d).get() == PreparedImage(image: Self.grey, storedSize: ImageSize(width: 40, height: 30)))
        d[30] ^= 4
        #expect(throws: PixelCache.Damage.self) { try PixelCache.decode(d).get() }
    }
}

@Suite struct DataCheckTests {
    func scanned(_ path: String, _ label: Int, hash: String?, size: ImageSize?, problem: String? = nil) -> ScannedImage {
        ScannedImage(item: DatasetItem(path: path, label: label), hash: hash, storedSize: size, format: size == nil ? nil : .jpeg, problem: problem)
    }

    @Test func countsImbalanceDuplicatesAndSizes() {
        let s: [(image: ScannedImage, split: SplitName)] = [
            (scanned("N/1.jpg", 0, hash: "h1", size: ImageSize(width: 100, height: 80)), .train),
            (scanned("P/2.jpg", 1, hash: "h2", size: ImageSize(width: 100, height: 80)), .train),
            (scanned("P/3.jpg", 1, hash: "h3", size: ImageSize(width: 200, height: 100)), .train),
            (scanned("P/4.jpg", 1, hash: "h4", size: ImageSize(width: 100, height: 80)), .train),
            (scanned("P/5.jpg", 1, hash: "h2", size: ImageSize(width: 100, height: 80)), .val),   // same bytes as P/2
            (scanned("N/6.jpg", 0, hash: "h7", size: ImageSize(width: 60, height: 60)), .val),
            (scanned("N/7.jpg", 0, hash: "h7", size: ImageSize(width: 60, height: 60)), .val),    // within val
            (scanned("N/8.jpg", 0, hash: nil, size: nil, problem: "empty file (0 bytes)"), .train),
        ]
        let r = DataCheckReport.make(classes: ["NORMAL", "PNEUMONIA"], scanned: s)
        #expect(r.splits == [.init(split: .train, counts: [1, 3], imbalanceRatio: 3), .init(split: .val, counts: [2, 1], imbalanceRatio: 2)])
        #expect(r.unreadable == [BadImage(path: "N/8.jpg", reason: "empty file (0 bytes)")])
        #expect(r.duplicates.map(\.hash) == ["h2", "h7"])
        #expect(r.duplicates[0].crossesSplits && !r.duplicates[0].conflictingLabels)
        #expect(!r.duplicates[1].crossesSplits)
        // Widths 100,100,200,100,100,60,60 → mean 720/7; heights 80,80,100,80,80,60,60 → 540/7.
        #expect(r.sizes == .init(images: 7, minWidth: 60, maxWidth: 200, meanWidth: 720.0 / 7, minHeight: 60, maxHeight: 100,
                                 meanHeight: 540.0 / 7, distinctSizes: 3, mostCommonSize: ImageSize(width: 100, height: 80), mostCommonCount: 4))
        #expect(r.formats == ["jpeg": 7])
        #expect(r.hasProblems)
        let text = r.render()
        #expect(text.contains("NORMAL          1       2\n"))
        #expect(text.contains("imbalance    3.00    2.00\n"))
        #expect(text.contains("  h2 [ACROSS SPLITS]: P/2.jpg (train, PNEUMONIA); P/5.jpg (val, PNEUMONIA)\n"))
        #expect(text.contains("unreadable files: 1\n  N/8.jpg: empty file (0 bytes)\n"))
        // The report is Codable for the run's records.
        let round = try? JSONDecoder().decode(DataCheckReport.self, from: JSONEncoder().encode(r))
        #expect(round == r)
    }
}
