// The data-path benchmark, run only on request (it needs large JPEGs and a release build):
//   python3 benchmarks/data_make_originals.py /tmp/monk-originals 200
//   MONKPIPE_BENCH=1 MONKPIPE_BENCH_IMAGES=/tmp/monk-originals swift test -c release --filter DataBenchmarkTests
// and compare with `python3 benchmarks/data_pillow.py /tmp/monk-originals`.
import Foundation
import Testing
@testable import MonkData

@Suite struct DataBenchmarkTests {
    static let enabled = ProcessInfo.processInfo.environment["MONKPIPE_BENCH"] == "1"

    @Test(.enabled(if: enabled)) func decodeAndResizeThroughput() throws {
        let folder = ProcessInfo.processInfo.environment["MONKPIPE_BENCH_IMAGES"] ?? "/tmp/monk-originals"
        let r = try DataBenchmark.run(folder: URL(fileURLWithPath: folder))
        print("data benchmark: \(r.summary)")
        #expect(r.images > 0 && r.scaledDecodeOneThread > 0)
    }
}
