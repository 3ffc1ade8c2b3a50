// The data-path benchmark behind `monkpipe bench` (and a gated test): decode + resize
// throughput of a folder of JPEGs, and SHA-256 throughput, timed in this process.
import Foundation
import MonkVocabulary

/// Images per second (best of the repeats) for each way of turning a file into 224×224 pixels.
public struct DataBenchmarkResult: Codable, Sendable {
    public var images: Int
    public var meanFileKiB: Double
    /// Full-size decode, then antialiased resize; one thread, per CPU second.
    public var fullDecodeOneThread: Double
    /// DCT-scaled decode (the default), then resize; one thread, per CPU second.
    public var scaledDecodeOneThread: Double
    /// The same, per wall-clock second (lower when other processes share the cores).
    public var scaledDecodeOneThreadWall: Double
    /// DCT-scaled decode and resize on `threads` threads.
    public var scaledDecodeThreads: Double
    public var threads: Int
    /// SHA-256 of the file bytes, MB/s on one thread (the load stage hashes every file).
    public var sha256MBps: Double
    /// Batch loader, train pipeline (random resized crop 224, flip, ImageNet normalisation),
    /// batch 16, `threads` threads, wall clock: the first epoch fills the pixel cache, the
    /// second reads it.
    public var loaderFirstEpoch: Double
    public var loaderCachedEpoch: Double

    public var summary: String {
        String(format: "%d JPEGs (mean %.0f KiB): 1 thread, per CPU second: full decode + resize %.1f img/s, scaled decode + resize %.1f img/s (%.1f per wall second); %d threads, wall clock: %.1f img/s; SHA-256 %.0f MB/s",
               images, meanFileKiB, fullDecodeOneThread, scaledDecodeOneThread, scaledDecodeOneThreadWall, threads, scaledDecodeThreads, sha256MBps)
            + String(format: "; loader epoch 1 (decode + cache) %.1f img/s, epoch 2 (cache) %.1f img/s", loaderFirstEpoch, loaderCachedEpoch)
    }
}

/// A folder the benchmark cannot use.
public struct DataBenchmarkError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

public enum DataBenchmark {
    /// Times decode + resize to `side`×`side` of every .jpg/.jpeg file in `folder` (read into
    /// memory first, so the disk is not timed), best of `repeats` passes each.
    public static func run(folder: URL, side: Int = 224, threads: Int = 2, repeats: Int = 3) throws -> DataBenchmarkResult {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") }.sorted()
        let blobs = try names.map { try FileBytes.read(folder.appendingPathComponent($0), maxBytes: ImageLimits.defaultMaxFileBytes) }
        guard !blobs.isEmpty else { throw DataBenchmarkError(description: "no .jpg or .jpeg files in \(folder.path)") }
        let size = ImageSize(side)

        // One-thread rates are per second of this thread's CPU time, so that other processes
        // sharing the cores do not distort the comparison (benchmarks/data_pillow.py does the
        // same); the multi-thread rate is wall-clock and shows the real parallel speed-up.
        func oneThread(_ pre: Preprocessing) -> (cpu: Double, wall: Double) {
            var best = (cpu: 0.0, wall: 0.0)
            for _ in 0..<repeats {
                let (c0, w0) = (threadCPUSeconds(), Date())
                for b in blobs { _ = try? pre.prepare(b) }
                best.cpu = max(best.cpu, Double(blobs.count) / (threadCPUSeconds() - c0))
                best.wall = max(best.wall, Double(blobs.count) / Date().timeIntervalSince(w0))
            }
            return best
        }
        func parallel(_ pre: Preprocessing) -> Double {
            var best = 0.0
            for _ in 0..<repeats {
                let start = Date()
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    for i in stride(from: t, to: blobs.count, by: threads) { _ = try? pre.prepare(blobs[i]) }
                }
                best = max(best, Double(blobs.count) / Date().timeIntervalSince(start))
            }
            return best
        }
        let full = oneThread(Preprocessing(resize: .exact(size: size), scaledDecode: false))
        let scaled = oneThread(Preprocessing(resize: .exact(size: size), scaledDecode: true))
        let both = parallel(Preprocessing(resize: .exact(size: size), scaledDecode: true))
        let bytes = blobs.reduce(0) { $0 + $1.count }
        let c0 = threadCPUSeconds()
        for b in blobs { _ = SHA256.hex(b) }
        let sha = Double(bytes) / 1e6 / (threadCPUSeconds() - c0)
        let (first, cached) = try loaderRates(folder: folder, names: names, blobs: blobs, side: side, threads: threads)
        return DataBenchmarkResult(images: blobs.count, meanFileKiB: Double(bytes) / Double(blobs.count) / 1024,
                                   fullDecodeOneThread: full.cpu, scaledDecodeOneThread: scaled.cpu,
                                   scaledDecodeOneThreadWall: scaled.wall, scaledDecodeThreads: both,
                                   threads: threads, sha256MBps: sha, loaderFirstEpoch: first, loaderCachedEpoch: cached)
    }

    static func loaderRates(folder: URL, names: [String], blobs: [Data], side: Int, threads: Int) throws -> (Double, Double) {
        let cacheDir = FileManager.default.temporaryDirectory.appendingPathComponent("monkdata-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: cacheDir) }
        let samples = names.indices.map { i in
            LoaderSample(url: folder.appendingPathComponent(names[i]), contentHash: SHA256.hex(blobs[i]), label: 0, index: i)
        }
        let loader = try BatchLoader(samples: samples, preprocessing: Preprocessing(resize: .shorterSide(side: side * 8 / 7)),
                                     pipeline: SamplePipeline(transforms: [.randomResizedCrop(size: side), .horizontalFlip(probability: 0.5)]),
                                     seed: AugmentationSeed(seed: 0), settings: LoaderSettings(batchSize: 16, shuffle: true, threads: threads),
                                     cache: PixelCache(root: cacheDir))
        var rates: [Double] = []
        for epoch in 0..<2 {
            let start = Date()
            let batches = loader.epoch(epoch)
            while try batches.next() != nil {}
            rates.append(Double(samples.count) / Date().timeIntervalSince(start))
        }
        return (rates[0], rates[1])
    }

    static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}
