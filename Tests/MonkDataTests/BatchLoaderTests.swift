// Batches: exact pixel values, seeded and thread-independent augmentation, epoch order,
// cache reuse across epochs, and the bound of the prefetch queue.
import Foundation
import Testing
import MonkEngine
@testable import MonkData
import MonkVocabulary

@Suite struct BatchLoaderTests {
    func bytes(_ name: String) -> Data { try! Data(contentsOf: Fixtures.url(name)) }

    /// Five images: gray8.png (class 0), rgb8.png (class 1), three more copies alternating.
    func setup(_ tmp: TempDir) throws -> [LoaderSample] {
        let names = ["gray8.png", "rgb8.png", "gray8.png", "rgb8.png", "gray8.png"]
        return names.enumerated().map { i, name in
            let url = tmp.file("img\(i).png", bytes(name))
            return LoaderSample(url: url, contentHash: SHA256.hex(bytes(name)), label: i % 2, index: i)
        }
    }

    // No resize, no transforms, identity normalisation: the tensor holds v8 / 255, gray repeated.
    @Test func evalBatchHoldsExactPixels() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let loader = try BatchLoader(samples: try setup(tmp), preprocessing: Preprocessing(resize: .exact(size: ImageSize(width: 7, height: 5))),
                                     pipeline: SamplePipeline(normalization: .identity), seed: AugmentationSeed(seed: 1),
                                     settings: LoaderSettings(batchSize: 2, shuffle: false), cache: nil)
        let epoch = loader.epoch(0)
        var batches: [Batch] = []
        while let b = try epoch.next() { batches.append(b) }
        #expect(batches.map(\.images.shape) == [[2, 5, 7, 3], [2, 5, 7, 3], [1, 5, 7, 3]])
        #expect(batches.flatMap(\.labels) == [0, 1, 0, 1, 0])
        let b = batches[0].images
        for y in 0..<5 { for x in 0..<7 { for c in 0..<3 {
            #expect(b[((0 * 5 + y) * 7 + x) * 3 + c] == Float(Fixtures.v8(x, y, 0)) / 255)   // gray
            #expect(b[((1 * 5 + y) * 7 + x) * 3 + c] == Float(Fixtures.v8(x, y, c)) / 255)   // RGB
        } } }
    }

    func trainLoader(_ samples: [LoaderSample], threads: Int, cache: PixelCache?) throws -> BatchLoader {
        try BatchLoader(samples: samples, preprocessing: Preprocessing(resize: .exact(size: ImageSize(12))),
                        pipeline: SamplePipeline(transforms: [.randomResizedCrop(size: 8), .horizontalFlip(probability: 0.5),
                                                              .colorJitter(brightness: 0.3, contrast: 0.3)]),
                        seed: AugmentationSeed(seed: 77), settings: LoaderSettings(batchSize: 2, shuffle: true, dropLast: true, threads: threads),
                        cache: cache)
    }

    @Test func sameSeedSameBatchesWhateverTheThreads() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let samples = try setup(tmp)
        let a = try trainLoader(samples, threads: 1, cache: nil), b = try trainLoader(samples, threads: 2, cache: nil)
        #expect(a.batchesPerEpoch == 2)
        let background = b.epoch(3)   // 2 threads, through the prefetch queue
        for n in 0..<2 {
            let x = try a.batch(epoch: 3, number: n), y = try background.next()!
            #expect(x.images.array == y.images.array && x.indices == y.indices)
        }
        #expect(try background.next() == nil)
        #expect(try a.batch(epoch: 3, number: 0).images.array != a.batch(epoch: 4, number: 0).images.array)
    }

    /// A resumed epoch starts at a later batch: it yields exactly the remaining batches of the
    /// full epoch, bit for bit, and nothing before them.
    @Test func epochFromALaterBatchYieldsTheRest() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let loader = try trainLoader(try setup(tmp), threads: 2, cache: nil)
        let resumed = loader.epoch(5, from: 1)
        let rest = try #require(try resumed.next())
        let full = try loader.batch(epoch: 5, number: 1)
        #expect(rest.images.array == full.images.array && rest.indices == full.indices)
        #expect(try resumed.next() == nil)
        #expect(try loader.epoch(5, from: 2).next() == nil)
    }

    @Test func shuffledEpochVisitsEveryImageOnce() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let loader = try trainLoader(try setup(tmp), threads: 2, cache: nil)
        for e in 0..<3 { #expect(loader.order(epoch: e).sorted() == [0, 1, 2, 3, 4]) }
        #expect(loader.order(epoch: 0) != loader.order(epoch: 1))
    }

    @Test func laterEpochsReadTheCacheOnly() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let cache = PixelCache(root: tmp.url.appendingPathComponent("cache"))
        let loader = try trainLoader(try setup(tmp), threads: 2, cache: cache)
        for e in 0..<3 { let it = loader.epoch(e); while try it.next() != nil {} }
        // Two distinct files (by content) → two decodes; 3 epochs × 4 images − 2 = 10 hits.
        #expect(cache.statistics.decodes == 2 && cache.statistics.hits == 10)
    }

    @Test func prefetchRunsAheadButStaysBounded() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let samples = (0..<12).map { i in
            LoaderSample(url: tmp.file("i\(i).png", bytes("rgb8.png")), contentHash: "h", label: 0, index: i)
        }
        let loader = try BatchLoader(samples: samples, preprocessing: Preprocessing(resize: .exact(size: ImageSize(width: 7, height: 5))), pipeline: SamplePipeline(),
                                     seed: AugmentationSeed(seed: 1), settings: LoaderSettings(batchSize: 1, shuffle: false, prefetch: 3), cache: nil)
        let epoch = loader.epoch(0)
        let deadline = Date().addingTimeInterval(20)
        while epoch.readyCount < 3 && Date() < deadline { usleep(2000) }
        #expect(epoch.readyCount == 3)          // produced ahead while nobody consumed
        usleep(50_000)
        #expect(epoch.readyCount == 3)          // and no further than the bound
        var n = 0
        while try epoch.next() != nil { n += 1 }
        #expect(n == 12)
    }

    @Test func errorsNameTheFile() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let bad = LoaderSample(url: tmp.file("x.jpg", Data()), contentHash: "e", label: 0, index: 0)
        let loader = try BatchLoader(samples: [bad], preprocessing: Preprocessing(resize: .exact(size: ImageSize(4))), pipeline: SamplePipeline(),
                                     seed: AugmentationSeed(seed: 1), settings: LoaderSettings(batchSize: 1, shuffle: false), cache: nil)
        #expect(throws: LoaderError.image(path: bad.url.path, .empty)) { try loader.epoch(0).next() }
        let decoded = try JSONDecoder().decode(LoaderSettings.self, from: Data(#"{"batchSize":0,"dropLast":false,"prefetch":2,"shuffle":true,"threads":2}"#.utf8))
        #expect(throws: LoaderError.invalidSettings("batch size 0 must be at least 1")) {
            try BatchLoader(samples: [bad], preprocessing: Preprocessing(resize: .exact(size: ImageSize(4))), pipeline: SamplePipeline(),
                            seed: AugmentationSeed(seed: 1), settings: decoded, cache: nil)
        }
        #expect(throws: LoaderError.invalidSettings("flip probability 1.5 must be in [0, 1]")) {
            try BatchLoader(samples: [bad], preprocessing: Preprocessing(resize: .exact(size: ImageSize(4))),
                            pipeline: SamplePipeline(transforms: [.horizontalFlip(probability: 1.5)]),
                            seed: AugmentationSeed(seed: 1), settings: LoaderSettings(batchSize: 1, shuffle: false), cache: nil)
        }
        #expect(throws: LoaderError.undeterminedSize) {
            try BatchLoader(samples: [bad], preprocessing: Preprocessing(resize: .shorterSide(side: 8)), pipeline: SamplePipeline(),
                            seed: AugmentationSeed(seed: 1), settings: LoaderSettings(batchSize: 1, shuffle: false), cache: nil)
        }
    }
}
