// Micro-benchmarks of the engine's kernels behind `monkpipe bench --kernels`: convolution
// products on ResNet-18 shapes next to raw sgemm, Winograd's phases, and the memory-bound
// passes next to a plain copy. Timed in this process with the caller's `Parallel`; OpenBLAS'
// thread count is the caller's (monkpipe sets it once, to one thread).
import Foundation

/// One shape or layer of a kernel benchmark and its timings.
public struct KernelTiming: Codable, Sendable {
    public struct Measurement: Codable, Sendable {
        public var what: String
        /// Best of the timed runs, in milliseconds.
        public var ms: Double
        /// 2·M·N·K per product, when the measurement is a convolution or a GEMM.
        public var gflops: Double?
    }

    public var suite: KernelSuite
    public var name: String
    public var shape: [Int]
    public var threads: Int
    /// Thread CPU time (one thread: what other processes on the machine barely change) or
    /// wall-clock time (several threads).
    public var clock: String
    public var measurements: [Measurement]

    /// One line for a terminal.
    public var line: String {
        let cells = measurements.map { m in
            String(format: "%@ %.3f ms", m.what, m.ms) + (m.gflops.map { String(format: " (%.0f GFLOP/s)", $0) } ?? "")
        }
        return "\(suite.rawValue) \(name) \(shape), \(threads) thread\(threads == 1 ? "" : "s") (\(clock)): " + cells.joined(separator: " | ")
    }
}

/// Which kernels to time.
public enum KernelSuite: String, Codable, Sendable, CaseIterable {
    /// Convolution forward and backward (im2col + GEMM, Winograd where it applies) and raw
    /// sgemm on the same products.
    case conv
    /// Where Winograd's forward time goes: filter, input and output transforms and the GEMMs.
    case winograd
    /// Where polyphase's (3×3 stride 2) forward and backward time goes, one thread.
    case polyphase
    /// The memory-bound passes (BatchNorm, ReLU, pooling, concatenation, the optimizer step)
    /// next to a copy of the same tensor.
    case layers
}

public enum KernelBenchmark {
    /// Times `suite` with `parallel`'s threads, taking the best of `runs` runs after a warm-up.
    public static func run(_ suite: KernelSuite, parallel: Parallel, runs: Int = 7,
                           progress: (String) -> Void = { _ in }) throws -> [KernelTiming] {
        let timer = KernelTimer(runs: max(1, runs), cpuTime: parallel.threads == 1)
        switch suite {
        case .conv: return convolutions(timer, parallel, progress)
        case .winograd: return winogradPhases(KernelTimer(runs: max(1, runs), cpuTime: true), progress)
        case .polyphase: return polyphasePhases(KernelTimer(runs: max(1, runs), cpuTime: true), progress)
        case .layers: return try memoryBound(timer, parallel, progress)
        }
    }

    /// ResNet-18's convolutions at 128 px, batch 16 (the training benchmark's setting), plus a
    /// ResNet-50-style pointwise expansion, a MobileNetV2 depthwise layer, and ResNet-50 v2's
    /// three 3×3 stride-2 layers at 224 px, batch 4 and 8 (the tutorial's). NHWC inputs.
    struct ConvShape {
        let name: String
        let input: [Int]
        let out, kernel, stride: Int
        var groups = 1
        var padding: Padding { .symmetric(kernel / 2) }
    }

    static let convShapes: [ConvShape] = [
        ConvShape(name: "stem 7x7/2 3->64", input: [16, 128, 128, 3], out: 64, kernel: 7, stride: 2),
        ConvShape(name: "layer1 3x3 64", input: [16, 32, 32, 64], out: 64, kernel: 3, stride: 1),
        ConvShape(name: "layer2.0 3x3/2 64->128", input: [16, 32, 32, 64], out: 128, kernel: 3, stride: 2),
        ConvShape(name: "layer2 down 1x1/2", input: [16, 32, 32, 64], out: 128, kernel: 1, stride: 2),
        ConvShape(name: "layer2 3x3 128", input: [16, 16, 16, 128], out: 128, kernel: 3, stride: 1),
        ConvShape(name: "layer3.0 3x3/2 128->256", input: [16, 16, 16, 128], out: 256, kernel: 3, stride: 2),
        ConvShape(name: "layer3 down 1x1/2", input: [16, 16, 16, 128], out: 256, kernel: 1, stride: 2),
        ConvShape(name: "layer3 3x3 256", input: [16, 8, 8, 256], out: 256, kernel: 3, stride: 1),
        ConvShape(name: "layer4.0 3x3/2 256->512", input: [16, 8, 8, 256], out: 512, kernel: 3, stride: 2),
        ConvShape(name: "layer4 down 1x1/2", input: [16, 8, 8, 256], out: 512, kernel: 1, stride: 2),
        ConvShape(name: "layer4 3x3 512", input: [16, 4, 4, 512], out: 512, kernel: 3, stride: 1),
        ConvShape(name: "pointwise 1x1 64->256", input: [16, 32, 32, 64], out: 256, kernel: 1, stride: 1),
        ConvShape(name: "depthwise 3x3 96 (mbv2)", input: [16, 32, 32, 96], out: 96, kernel: 3, stride: 1, groups: 96),
        ConvShape(name: "r50v2 3x3/2 128 @56 b4", input: [4, 56, 56, 128], out: 128, kernel: 3, stride: 2),
        ConvShape(name: "r50v2 3x3/2 256 @28 b4", input: [4, 28, 28, 256], out: 256, kernel: 3, stride: 2),
        ConvShape(name: "r50v2 3x3/2 512 @14 b4", input: [4, 14, 14, 512], out: 512, kernel: 3, stride: 2),
        ConvShape(name: "r50v2 3x3/2 128 @56 b8", input: [8, 56, 56, 128], out: 128, kernel: 3, stride: 2),
        ConvShape(name: "r50v2 3x3/2 256 @28 b8", input: [8, 28, 28, 256], out: 256, kernel: 3, stride: 2),
        ConvShape(name: "r50v2 3x3/2 512 @14 b8", input: [8, 14, 14, 512], out: 512, kernel: 3, stride: 2),
    ]

    /// A tensor of uniform values in [-1, 1).
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RNG(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in rng.uniform(-1, 1) })
    }
}

/// Best-of-n timing: the machine is shared, and the least disturbed run is the best estimate.
struct KernelTimer {
    let runs: Int
    let cpuTime: Bool
    var clock: String { cpuTime ? "thread CPU time" : "wall time" }

    /// Milliseconds on this timer's clock.
    func now() -> Double {
        var t = timespec()
        clock_gettime(cpuTime ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }

    /// Milliseconds of the fastest of `runs` calls of `body`, after one untimed call.
    func best(_ body: () throws -> Void) rethrows -> Double {
        try body()
        var best = Double.infinity
        for _ in 0..<runs {
            let t0 = now()
            try body()
            best = min(best, now() - t0)
        }
        return best
    }

    /// The fastest of `runs` calls of each body, calling them in turns (one untimed round first).
    func interleaved(_ bodies: [() -> Void]) -> [Double] {
        for body in bodies { body() }
        var best = [Double](repeating: .infinity, count: bodies.count)
        for _ in 0..<runs {
            for (i, body) in bodies.enumerated() {
                let t0 = now()
                body()
                best[i] = min(best[i], now() - t0)
            }
        }
        return best
    }
}
