// Splitting loops across cores; the thread count is owned by whoever runs the model.
import Dispatch

/// How many threads element-wise and direct loops may use. Passed in through `Context`,
/// never read from a global, so tests and benchmarks can pin it.
public struct Parallel: Sendable {
    public let threads: Int
    public init(threads: Int) { self.threads = max(1, threads) }
    public static let serial = Parallel(threads: 1)

    /// Calls `body(range)` on disjoint chunks covering 0..<count. Work below `minChunk`
    /// items per thread runs inline: thread hand-off costs more than small loops.
    public func chunks(_ count: Int, minChunk: Int = 4096, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let n = min(threads, max(1, count / max(1, minChunk)))
        if n <= 1 { body(0..<count); return }
        let per = (count + n - 1) / n
        DispatchQueue.concurrentPerform(iterations: n) { t in
            let lo = t * per, hi = min(count, lo + per)
            if lo < hi { body(lo..<hi) }
        }
    }

    /// Calls `body(i)` for every i in 0..<count, spread over the threads in contiguous runs.
    public func forEach(_ count: Int, minChunk: Int = 1, _ body: @Sendable (Int) -> Void) {
        chunks(count, minChunk: minChunk) { r in for i in r { body(i) } }
    }
}
