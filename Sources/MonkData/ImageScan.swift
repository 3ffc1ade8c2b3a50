// The load stage's pass over a dataset: read each file once, hash it, decode and resize it
// (filling the pixel cache), and record what was wrong with the files that failed.
import Foundation
import MonkEngine
import MonkVocabulary

/// What the scan learnt about one file.
public struct ScannedImage: Codable, Equatable, Sendable {
    public var item: DatasetItem
    /// SHA-256 of the bytes; nil when the file could not be read at all.
    public var hash: String?
    /// Size stored in the file; nil when it could not be decoded.
    public var storedSize: ImageSize?
    public var format: ImageFormat?
    /// Why the file cannot be used; nil for a good image.
    public var problem: String?
    public var isGood: Bool { problem == nil }
}

/// A file left out or refused, by path and reason.
public struct BadImage: Codable, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(TerminalText.escaped(path)): \(TerminalText.escaped(reason))" }
}

/// Raised under `.fail` with every bad file of the dataset, not just the first.
public struct BadImagesError: Error, Equatable, Sendable, CustomStringConvertible {
    public var images: [BadImage]
    public var description: String {
        "\(images.count) image file(s) cannot be used (on_bad_image: fail):\n" + images.map { "  \($0)" }.joined(separator: "\n")
    }
}

public enum ImageScanner {
    /// Scans every item of `dataset` on `threads` threads. With a cache, decoded pixels are
    /// stored for the loader; without, each image is still fully decoded (a truncated JPEG is
    /// only found by decoding it to the end). Results are in dataset order.
    public static func scan(_ dataset: Dataset, preprocessing: Preprocessing, cache: PixelCache?, threads: Int) -> [ScannedImage] {
        let n = dataset.items.count
        let results = ResultSlots<ScannedImage>(count: n)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, n))) { worker in
            var i = worker
            while i < n {
                let item = dataset.items[i]
                if let why = dataset.refused[item.path] {
                    results[i] = ScannedImage(item: item, hash: nil, storedSize: nil, format: nil, problem: why)
                } else {
                    results[i] = scanOne(item, url: dataset.url(of: item), preprocessing: preprocessing, cache: cache)
                }
                i += max(1, min(threads, n))
            }
        }
        return results.values
    }

    static func scanOne(_ item: DatasetItem, url: URL, preprocessing: Preprocessing, cache: PixelCache?) -> ScannedImage {
        var s = ScannedImage(item: item, hash: nil, storedSize: nil, format: nil, problem: nil)
        let data: Data
        do throws(ImageDecodeError) { data = try ImageDecoder.read(url, limits: preprocessing.limits) } catch {
            s.problem = error.description
            return s
        }
        let hash = SHA256.hex(data)
        s.hash = hash
        s.format = ImageFormat(sniffing: data)
        do throws(ImageDecodeError) {
            if let cache {
                s.storedSize = try cache.prepared(data: data, contentHash: hash, preprocessing: preprocessing).storedSize
            } else {
                s.storedSize = try preprocessing.prepare(data).storedSize
            }
        } catch {
            s.problem = error.description
        }
        return s
    }

    /// Applies the policy: under `.fail` any bad file throws with the whole list; under
    /// `.skip` the good images are returned with the list of the ones left out.
    public static func applying(_ policy: BadImagePolicy, to scanned: [ScannedImage]) throws(BadImagesError) -> (good: [ScannedImage], skipped: [BadImage]) {
        let bad = scanned.compactMap { s in s.problem.map { BadImage(path: s.item.path, reason: $0) } }
        if policy == .fail && !bad.isEmpty { throw BadImagesError(images: bad) }
        return (scanned.filter(\.isGood), bad)
    }
}

/// Fixed-size result storage written by many threads, each slot by exactly one of them
/// (raw memory: a Swift array in a class would trip the exclusivity checker).
final class ResultSlots<T>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<T?>
    let count: Int
    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: max(1, count))
        slots.initialize(repeating: nil, count: count)
    }
    deinit { slots.deinitialize(count: count); slots.deallocate() }
    subscript(i: Int) -> T? {
        get { slots[i] }
        set { slots[i] = newValue }
    }
    var values: [T] { (0..<count).map { slots[$0]! } }
}
