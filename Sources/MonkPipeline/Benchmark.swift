// `monkpipe bench`: training and inference throughput of a network on random data.
import Foundation
import MonkEngine
import MonkModels

/// One throughput measurement, printed as a table row or (with `--json`) as one JSON object
/// with exactly the keys the engine issue specifies.
public struct BenchMeasurement: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable, CaseIterable { case train, infer }
    public var mode: Mode
    public var model: String
    public var size: Int
    public var batch: Int
    public var images_per_s: Double
    public var gflops: Double
    public var peak_rss_mb: Double
    public var blas_kernel: String
    /// Which kernel formed the 1×1 layers' forward products: "panels" (monkpipe's AVX-512 kernel where
    /// it applies, OpenBLAS elsewhere) or "openblas".
    public var matrix_products: String?
    public var threads: Int
    public var ms_per_iter: Double
    /// CPU time of the process per iteration (median), all threads: on a machine shared with
    /// other jobs it grows far less than `ms_per_iter` when they take the cores.
    public var cpu_ms_per_iter: Double?
    /// With `BenchSettings.profile`: where the timed steps' time went, op by op.
    public var profile: [BenchProfileRow]?
    /// With `BenchSettings.versus`: which of the two settings this measurement is of
    /// ("conv im2col", "products openblas").
    public var setting: String?
    /// With `BenchSettings.versus`, on the second setting's measurement: its steps against the
    /// first setting's, pair by pair.
    public var paired: BenchPairing?
}

/// Two settings timed in one process, their steps interleaved (A B, B A, A B, …), so that a
/// machine whose speed drifts from minute to minute slows both alike: pair i is step i of each,
/// run one right after the other. Ratios are this setting's time over the other's.
public struct BenchPairing: Codable, Sendable, Equatable {
    public var against: String
    public var pairs: Int
    /// Median over the pairs of (this step's wall time / the other's).
    public var wall_ratio: Double
    /// The same for CPU time of the process.
    public var cpu_ratio: Double
    /// Pairs in which this setting's step took less wall time.
    public var faster_in: Int

    /// The pairing of `times` against `other` (wall and CPU seconds, step by step).
    static func of(_ times: [Double], _ cpu: [Double], against other: [Double], _ otherCPU: [Double], label: String) -> BenchPairing {
        let wall = zip(times, other).map { $0 / $1 }
        let cpuRatios = zip(cpu, otherCPU).map { $1 > 0 ? $0 / $1 : 1 }
        return BenchPairing(against: label, pairs: wall.count, wall_ratio: median(wall), cpu_ratio: median(cpuRatios),
                            faster_in: zip(times, other).filter { $0 < $1 }.count)
    }

    /// The middle value (the mean of the two middle ones for an even count).
    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

/// A setting `bench` can change between two steps of one network.
public enum BenchVariant: Sendable, Equatable, CustomStringConvertible {
    case conv(ConvAlgorithm)
    case products(MatrixProducts)

    public var description: String {
        switch self {
        case .conv(let c): return "conv \(c.rawValue)"
        case .products(let p): return "products \(p.rawValue)"
        }
    }

    func apply(to network: ClassifierNetwork) {
        switch self {
        case .conv(let c): network.useConvAlgorithm(c)
        case .products(let p): network.useMatrixProducts(p)
        }
    }
}

/// `bench --paced`: another program decides when each timed step runs, so that it can run its
/// own steps (PyTorch's, say) in between, one process at a time, and pair them with ours
/// (`benchmarks/train_vs_torch.py --paired`). After the warm-up steps the benchmark writes
/// `{"paced":"ready",…}`; then, before each timed step, it waits for one line from `next`
/// (blocked in a read, using no CPU) and after the step writes
/// `{"paced":"step","step":N,"wall_ms":…,"cpu_ms":…}`. It stops when `next` says no more
/// steps will be asked for (standard input at its end) or after `iterations` steps.
public struct BenchPacer {
    /// Waits until the next timed step is asked for; false when none will be.
    public var next: () -> Bool
    /// Writes one line for the pacing program, and makes sure it gets it now.
    public var emit: (String) -> Void

    public init(next: @escaping () -> Bool, emit: @escaping (String) -> Void) {
        self.next = next
        self.emit = emit
    }

    /// Standard input asks for the steps (one line each; its end stops), standard output tells.
    public static var standardStreams: BenchPacer {
        BenchPacer(next: { readLine(strippingNewline: true) != nil },
                   emit: { line in print(line); flushStandardOutput() })
    }

    func ready(_ mode: BenchMeasurement.Mode, warmup: Int) {
        emit("{\"paced\":\"ready\",\"mode\":\"\(mode.rawValue)\",\"warmup\":\(warmup)}")
    }

    func step(_ n: Int, wall: Double, cpu: Double) {
        emit(String(format: "{\"paced\":\"step\",\"step\":%d,\"wall_ms\":%.3f,\"cpu_ms\":%.3f}", n, wall * 1000, cpu * 1000))
    }
}

/// Settings of a benchmark run. Training steps are forward + backward + SGD (momentum 0.9)
/// update with a 2-class head and cross-entropy, as `benchmarks/torch_baseline.py` does.
public struct BenchSettings: Sendable {
    public var size: Int
    public var batch: Int
    public var modes: [BenchMeasurement.Mode]
    public var warmup: Int
    public var iterations: Int
    public var threads: Int
    /// How dense convolutions form their products (`.automatic`: Winograd where it pays).
    public var convAlgorithm: ConvAlgorithm
    /// Which kernel forms the 1×1 layers' forward products (`.automatic`: monkpipe's on AVX-512).
    public var matrixProducts: MatrixProducts
    /// Time every op of the timed steps (`BenchMeasurement.profile`).
    public var profile: Bool
    /// A second setting of the same kind as one of the above, timed step by step against it in
    /// the same process (`BenchMeasurement.paired`; with `profile`, each setting's own).
    public var versus: BenchVariant?

    public init(size: Int = 128, batch: Int = 16, modes: [BenchMeasurement.Mode] = [.train, .infer],
                warmup: Int = 3, iterations: Int = 8, threads: Int = 2, convAlgorithm: ConvAlgorithm = .automatic,
                matrixProducts: MatrixProducts = .automatic, profile: Bool = false, versus: BenchVariant? = nil) {
        self.size = size; self.batch = batch; self.modes = modes
        self.warmup = warmup; self.iterations = iterations; self.threads = threads
        self.convAlgorithm = convAlgorithm; self.matrixProducts = matrixProducts; self.profile = profile
        self.versus = versus
    }

    /// The settings a run times: the one given, then `versus` (which replaces the given
    /// setting of its kind).
    var variants: [BenchVariant?] {
        switch versus {
        case nil: return [nil]
        case .conv?: return [.conv(convAlgorithm), versus]
        case .products?: return [.products(matrixProducts), versus]
        }
    }
}

/// The convolution product choice, re-exported for the CLI (which imports MonkPipeline only).
public typealias ConvAlgorithm = MonkEngine.ConvAlgorithm
/// The 1×1 products' kernel choice, re-exported for the CLI.
public typealias MatrixProducts = MonkEngine.MatrixProducts

public enum Benchmark {
    /// Measures `network` (named `name` in the output) for each mode: `warmup` untimed
    /// iterations, then the median of `iterations` timed ones (with a `pacer`, of the timed
    /// steps it asked for, at most `iterations`).
    public static func run(_ network: ClassifierNetwork, name: String, settings s: BenchSettings,
                           pacer: BenchPacer? = nil,
                           progress: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        if pacer != nil, s.versus != nil {
            throw PipelineError.invalid("bench --paced times one setting's steps: it cannot pair two settings itself")
        }
        let parallel = ComputeThreads.configure(s.threads)
        network.useConvAlgorithm(s.convAlgorithm)
        network.useMatrixProducts(s.matrixProducts)
        var rng = RNG(seed: 0)
        let x = Tensor(shape: [s.batch, s.size, s.size, 3])
        for i in 0..<x.count { x[i] = rng.normal() }
        let labels = (0..<s.batch).map { $0 % network.numClasses }
        let loss = SoftmaxCrossEntropy()
        let ctx = Context(training: true, rng: RNG(seed: 1), parallel: parallel)
        let params = network.namedParameters()
        var optimizer = try Optimizer(.sgd(SGDConfig(lr: 0.01, momentum: 0.9)))
        let flopsPerImage = network.forwardFLOPs(height: s.size, width: s.size)
        network.prepareBackward()
        // Gradients start at zero; each step's update then zeroes them as it reads them.
        for (_, p) in params { p.grad.zero() }

        var out: [BenchMeasurement] = []
        for mode in s.modes {
            ctx.training = mode == .train
            ctx.keepsForBackward = mode == .train
            let step: () throws -> Void = {
                if mode == .train {
                    let logits = network.forward(x, ctx)
                    let (_, dlogits) = ctx.timed("loss") { loss(logits, labels) }
                    _ = network.backward(dlogits, ctx)
                    try ctx.timed("optimizer step") { try optimizer.step(params, parallel: parallel, zeroingGradients: true) }
                } else {
                    _ = network.forward(x, ctx)
                }
            }
            // With two settings, each warm-up and each timed round runs one step of both, in
            // the order A B, then B A, and so on: a drift of the machine's speed over a few
            // steps then costs both alike.
            let variants = s.variants
            func steps(_ round: Int, _ body: (Int) throws -> Void) rethrows {
                for v in (round % 2 == 0 ? Array(variants.indices) : variants.indices.reversed()) {
                    variants[v]?.apply(to: network)
                    try body(v)
                }
            }
            for i in 0..<s.warmup {
                progress("\(mode.rawValue) warm-up \(i + 1)/\(s.warmup)")
                try steps(i) { _ in try step() }
            }
            let profiles = variants.map { _ in s.profile ? OpProfile() : nil }
            defer { ctx.profile = nil }
            var times = [[Double]](repeating: [], count: variants.count), cpuTimes = times
            pacer?.ready(mode, warmup: s.warmup)
            for i in 0..<s.iterations {
                if let pacer {
                    guard pacer.next() else { break }
                    progress("\(mode.rawValue) paced step \(i + 1)")
                } else {
                    progress("\(mode.rawValue) iteration \(i + 1)/\(s.iterations)")
                }
                try steps(i) { v in
                    ctx.profile = profiles[v]
                    let t0 = DispatchTime.now().uptimeNanoseconds, c0 = OpProfile.processCPUSeconds()
                    try step()
                    times[v].append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                    cpuTimes[v].append(OpProfile.processCPUSeconds() - c0)
                }
                pacer?.step(i + 1, wall: times[0][i], cpu: cpuTimes[0][i])
            }
            guard !times[0].isEmpty else {
                throw PipelineError.invalid("bench --paced: standard input ended before the first timed \(mode.rawValue) step was asked for")
            }
            for v in variants.indices {
                let median = times[v].sorted()[times[v].count / 2]
                // A training step costs forward + backward ≈ 3× forward (backward computes both
                // dX and dW): the same convention as docs/FACTS.md's "≈ 2.93× forward".
                let flops = flopsPerImage * Double(s.batch) * (mode == .train ? 3 : 1)
                var products = s.matrixProducts
                if case .products(let p)? = variants[v] { products = p }
                out.append(BenchMeasurement(mode: mode, model: name, size: s.size, batch: s.batch,
                                            images_per_s: Double(s.batch) / median,
                                            gflops: flops / median / 1e9,
                                            peak_rss_mb: PeakMemory.megabytes, blas_kernel: BLAS.kernel,
                                            matrix_products: MatrixProducts.kernelName(products),
                                            threads: s.threads, ms_per_iter: median * 1000,
                                            cpu_ms_per_iter: cpuTimes[v].sorted()[cpuTimes[v].count / 2] * 1000,
                                            profile: profiles[v].map { BenchProfileRow.rows($0, steps: times[v], cpu: cpuTimes[v]) },
                                            setting: variants[v]?.description,
                                            paired: v == 0 ? nil : BenchPairing.of(times[v], cpuTimes[v], against: times[0], cpuTimes[0],
                                                                                   label: variants[0]?.description ?? "")))
            }
        }
        // Leave the network as the settings say, whatever ran last.
        if let first = s.variants.first, let setting = first { setting.apply(to: network) }
        return out
    }
}
