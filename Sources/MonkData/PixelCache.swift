// Decoded and resized pixels on disk, keyed by file content and preprocessing settings, so
// later epochs and other experiments on the same data never decode a JPEG again.
import Foundation
import MonkEngine

/// A prepared (decoded, resized) image and the size the file stores.
public struct PreparedImage: Sendable, Equatable {
    public var image: Image
    public var storedSize: ImageSize
}

/// A folder of `<key[0..2]>/<key>.px` files: a 24-byte header (magic "MPX1", channels, width,
/// height, stored width, stored height, little-endian UInt32s after the magic) and raw 8-bit
/// pixels. The key is SHA-256 of (format, file content hash, preprocessing settings), so a
/// changed file or changed settings simply miss. Safe for concurrent use by many threads and
/// processes: each entry is written to a temporary file and renamed into place.
public final class PixelCache: @unchecked Sendable {
    public let root: URL
    private let lock = NSLock()
    private var hitCount = 0
    private var decodeCount = 0

    public init(root: URL) { self.root = root }

    /// Cache hits and decodes (misses) since this object was made.
    public var statistics: (hits: Int, decodes: Int) { lock.withLock { (hitCount, decodeCount) } }

    public static func key(contentHash: String, preprocessing: Preprocessing) -> String {
        SHA256.hex("monkdata-pixels-v1|\(contentHash)|\(preprocessing.canonicalDescription)")
    }

    func url(forKey key: String) -> URL {
        root.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + ".px")
    }

    /// The prepared image of a file whose bytes are `data` (content hash `contentHash`): read
    /// from the cache, or decoded, resized and stored.
    /// An empty `contentHash` means "content unknown": the image is decoded and not cached,
    /// since every such file would otherwise share one cache entry.
    public func prepared(data: Data, contentHash: String, preprocessing: Preprocessing) throws(ImageDecodeError) -> PreparedImage {
        if contentHash.isEmpty {
            lock.withLock { decodeCount += 1 }
            let (image, stored) = try preprocessing.prepare(data)
            return PreparedImage(image: image, storedSize: stored)
        }
        let key = Self.key(contentHash: contentHash, preprocessing: preprocessing)
        if let hit = read(url(forKey: key)) {
            lock.withLock { hitCount += 1 }
            return hit
        }
        lock.withLock { decodeCount += 1 }
        let (image, stored) = try preprocessing.prepare(data)
        let entry = PreparedImage(image: image, storedSize: stored)
        // A cache that cannot be written (full disk, read-only folder) only costs speed.
        try? AtomicFile.write(Self.encode(entry), to: url(forKey: key), durable: false)
        return entry
    }

    /// The prepared image of the file at `url`, reading the file only on a cache miss.
    /// `contentHash` must be the hash of the file's current bytes (from the load stage's scan).
    public func prepared(contentsOf file: URL, contentHash: String, preprocessing: Preprocessing) throws(ImageDecodeError) -> PreparedImage {
        let key = Self.key(contentHash: contentHash, preprocessing: preprocessing)
        if !contentHash.isEmpty, let hit = read(url(forKey: key)) {
            lock.withLock { hitCount += 1 }
            return hit
        }
        let data: Data
        do { data = try FileBytes.read(file) } catch { throw .unreadable(error.description) }
        return try prepared(data: data, contentHash: contentHash, preprocessing: preprocessing)
    }

    static let magic: [UInt8] = Array("MPX1".utf8)

    static func encode(_ e: PreparedImage) -> Data {
        var d = Data(magic)
        for v in [e.image.channels, e.image.width, e.image.height, e.storedSize.width, e.storedSize.height] {
            withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) }
        }
        d.append(contentsOf: e.image.pixels)
        return d
    }

    /// nil for a missing, foreign or damaged entry (treated as a miss and rewritten).
    func read(_ url: URL) -> PreparedImage? {
        guard let d = try? FileBytes.read(url), d.count >= 24, Array(d.prefix(4)) == Self.magic else { return nil }
        let v = d.withUnsafeBytes { raw in (0..<5).map { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self))) } }
        let (ch, w, h) = (v[0], v[1], v[2])
        guard ch == 1 || ch == 3, d.count == 24 + w * h * ch else { return nil }
        return PreparedImage(image: Image(width: w, height: h, channels: ch, pixels: [UInt8](d.suffix(from: d.startIndex + 24))),
                             storedSize: ImageSize(width: v[3], height: v[4]))
    }
}
