// `monkpipe gc` (issue 11, item 12): after a setting changes, what only the old keys used is
// deleted, what the current spec uses is kept (everything stays cached), and the space
// freed is what the cache folder shrank by.
import Foundation
import MonkData
import Testing
@testable import MonkPipeline

@Suite struct CacheCollectorTests {
    static let old = PipelineFixture.spec(epochs: 1, experiments: "  sgd: {}\n")
    /// A new input size: new load, train, test and compare keys, and new pixel entries.
    static let new = old.replacingOccurrences(of: "input_size: 16", with: "input_size: 20")

    /// Allocated bytes and the number of files under `url` (what `du` and `find -type f` count).
    static func usage(_ url: URL) -> (bytes: Int, files: Int) {
        var bytes = 0, files = 0
        for path in (try? FileManager.default.subpathsOfDirectory(atPath: url.path)) ?? [] {
            var st = stat()
            guard lstat(url.appendingPathComponent(path).path, &st) == 0 else { continue }
            bytes += Int(st.st_blocks) * 512
            if (st.st_mode & mode_t(S_IFMT)) == mode_t(S_IFREG) { files += 1 }
        }
        return (bytes, files)
    }

    @Test func collectsWhatOnlyOldKeysUse() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.old).run()
        try f.runner(Self.new).run()
        let cache = f.workspace.appendingPathComponent(".cache")
        let pixels = cache.appendingPathComponent("pixels")
        // 20 images (12 train, 4 validation, 4 test) at two sizes.
        #expect(Self.usage(pixels).files == 40)
        let before = Self.usage(cache)

        let dry = try CacheCollector.collect([try f.runner(Self.new)], dryRun: true)
        #expect(Self.usage(cache) == before, "a dry run deletes nothing")
        let done = try CacheCollector.collect([try f.runner(Self.new)], dryRun: false)
        var expected = dry
        expected.dryRun = false
        #expect(done == expected)
        // The old spec's load, train, test and compare records; its load result; its 20 pixels.
        #expect((done.stageRecords, done.loadResults, done.pixelEntries) == (4, 1, 20))
        #expect(done.pixelsKept == nil)
        let after = Self.usage(cache)
        #expect(done.bytes == before.bytes - after.bytes)
        #expect(done.bytes > 0)
        #expect(Self.usage(pixels).files == 20)
        #expect(done.summary.hasPrefix("\(f.workspace.path)/.cache: removed 20 pixel entries, 4 stage records, 1 load result; freed "))

        // The current spec is untouched: every stage cached, nothing decoded again.
        #expect(try f.decisions(Self.new).values.allSatisfy { $0 == "cached" })
        // Collecting again finds nothing; both specs together keep everything of both.
        #expect(try CacheCollector.collect([try f.runner(Self.new)], dryRun: false).bytes == 0)
        try f.runner(Self.old, force: ["all"]).run()
        let both = try CacheCollector.collect([try f.runner(Self.old), try f.runner(Self.new)], dryRun: false)
        #expect((both.stageRecords, both.loadResults, both.pixelEntries) == (0, 0, 0))
    }

    /// Before the load stage has run, the images a spec needs are not known: pixels are kept.
    @Test func pixelsAreKeptWhileALoadStageHasNotRun() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        try f.runner(Self.old).run()
        let result = try CacheCollector.collect([try f.runner(Self.new)], dryRun: true)
        #expect(result.pixelEntries == 0)
        #expect(result.pixelsKept?.hasPrefix("the load stage of tiny has not run") == true)
        #expect((result.stageRecords, result.loadResults) == (4, 1))
    }
}
