// Where a step's time goes, op by op: wall-clock and CPU time per operation kind and shape,
// collected when a `Context` carries a profile (`monkpipe bench --profile`), and nothing otherwise.
import Foundation

/// Accumulated time of labelled operations ("conv 3×3/1 256→256 @14×14 winograd backward"):
/// wall-clock, and CPU time of the whole process (every thread that worked on the op). On a
/// machine shared with other jobs the wall-clock time of an op grows with the load while its
/// CPU time mostly does not, so the CPU column still says which ops cost the most work.
/// Layers time their own forward and backward through `Context.timed`; calls of the same
/// label add up, so a network's 16 identical blocks give one row with 16 calls.
///
/// Only the outermost timed call counts: an op that runs another timed op inside it (a
/// BatchNorm backward on a rebuilt input) is one row, and the rows never count a second twice.
/// Not thread-safe: ops are timed on the thread that runs the network, one at a time.
public final class OpProfile: @unchecked Sendable {
    public struct Row: Sendable, Equatable {
        public let label: String
        public let calls: Int
        public let seconds: Double
        public let cpuSeconds: Double
    }

    private var index: [String: Int] = [:]
    private var labels: [String] = []
    private var calls: [Int] = []
    private var seconds: [Double] = []
    private var cpuSeconds: [Double] = []
    private var depth = 0

    public init() {}

    /// Runs `body`, adding its wall-clock time to `label` unless another timed call encloses it.
    public func measure<R>(_ label: () -> String, _ body: () throws -> R) rethrows -> R {
        if depth > 0 { return try body() }
        depth += 1
        defer { depth -= 1 }
        let t0 = DispatchTime.now().uptimeNanoseconds, c0 = Self.processCPUSeconds()
        let result = try body()
        record(label(), seconds: Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9,
               cpuSeconds: Self.processCPUSeconds() - c0)
        return result
    }

    /// CPU time used so far by every thread of this process.
    public static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Adds a measured time to `label` (for work timed by its caller).
    public func record(_ label: String, seconds s: Double, cpuSeconds cpu: Double) {
        let i: Int
        if let known = index[label] {
            i = known
        } else {
            i = labels.count
            index[label] = i
            labels.append(label); calls.append(0); seconds.append(0); cpuSeconds.append(0)
        }
        calls[i] += 1
        seconds[i] += s
        cpuSeconds[i] += cpu
    }

    /// Every label in the order first seen.
    public var rows: [Row] {
        labels.indices.map { Row(label: labels[$0], calls: calls[$0], seconds: seconds[$0], cpuSeconds: cpuSeconds[$0]) }
    }

    public var totalSeconds: Double { seconds.reduce(0, +) }
    public var totalCPUSeconds: Double { cpuSeconds.reduce(0, +) }

    /// "H×W" of an NHWC shape, for labels; the shape as it is otherwise.
    public static func map(_ shape: [Int]) -> String {
        shape.count == 4 ? "\(shape[1])×\(shape[2])" : "\(shape)"
    }

    public func reset() {
        index = [:]; labels = []; calls = []; seconds = []; cpuSeconds = []
    }
}

extension Context {
    /// Runs `body`, timed under `label` when this context carries a profile. The label is
    /// built only then, so an unprofiled step pays one nil check per op.
    @inline(__always)
    public func timed<R>(_ label: @autoclosure () -> String, _ body: () throws -> R) rethrows -> R {
        guard let profile else { return try body() }
        return try profile.measure(label, body)
    }
}
