// Decoded and resized pixels on disk, keyed by file content and preprocessing settings, so
// later epochs and other experiments on the same data never decode a JPEG again.
import Foundation
import MonkEngine

/// A prepared (decoded, resized) image and the size the file stores.
public struct PreparedImage: Sendable, Equatable {
    public var image: Image
    public var storedSize: ImageSize
}

/// A folder of `<key[0..2]>/<key>.px` files, each one prepared image in the compact form of
/// `PixelCache.encode` (PixelCacheEntry.swift), checksummed. The key is
/// SHA-256 of (format, file content hash, preprocessing settings), so a changed file or changed
/// settings simply miss; an entry whose checksum or length is wrong is reported through
/// `reportDamaged` with its path, decoded again and rewritten. Safe for concurrent use by many
/// threads and processes: each entry is written to a temporary file and renamed into place.
public final class PixelCache: @unchecked Sendable {
    public let root: URL
    private let lock = NSLock()
    private var hitCount = 0
    private var decodeCount = 0
    private var damagedCount = 0
    private let reportDamaged: @Sendable (String) -> Void

    /// `reportDamaged` receives one sentence per damaged entry found (it may be called from
    /// several threads at once).
    public init(root: URL, reportDamaged: @escaping @Sendable (String) -> Void = { _ in }) {
        self.root = root
        self.reportDamaged = reportDamaged
    }

    /// Cache hits, decodes (misses) and damaged entries found since this object was made.
    public var statistics: (hits: Int, decodes: Int, damaged: Int) { lock.withLock { (hitCount, decodeCount, damagedCount) } }

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
        let data = try ImageDecoder.read(file, limits: preprocessing.limits)
        return try prepared(data: data, contentHash: contentHash, preprocessing: preprocessing)
    }

    /// nil for a missing or foreign entry (an earlier format): a miss, rewritten. A damaged
    /// entry (wrong length or checksum) is also a miss, and is reported.
    func read(_ url: URL) -> PreparedImage? {
        guard let d = try? FileBytes.read(url, maxBytes: 1 << 34), d.count >= 4,
              [Self.magic, Self.magicAllChannels].contains(Array(d.prefix(4))) else { return nil }
        switch Self.decode(d) {
        case .success(let entry):
            return entry
        case .failure(let why):
            lock.withLock { damagedCount += 1 }
            reportDamaged("pixel cache entry \(url.path) is damaged (\(why.reason)); decoding the image again")
            return nil
        }
    }
}
