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

    public init(size: Int = 128, batch: Int = 16, modes: [BenchMeasurement.Mode] = [.train, .infer],
                warmup: Int = 3, iterations: Int = 8, threads: Int = 2, convAlgorithm: ConvAlgorithm = .automatic,
                matrixProducts: MatrixProducts = .automatic, profile: Bool = false) {
        self.size = size; self.batch = batch; self.modes = modes
        self.warmup = warmup; self.iterations = iterations; self.threads = threads
        self.convAlgorithm = convAlgorithm; self.matrixProducts = matrixProducts; self.profile = profile
    }
}

/// The convolution product choice, re-exported for the CLI (which imports MonkPipeline only).
public typealias ConvAlgorithm = MonkEngine.ConvAlgorithm
/// The 1×1 products' kernel choice, re-exported for the CLI.
public typealias MatrixProducts = MonkEngine.MatrixProducts

public enum Benchmark {
    /// Measures `network` (named `name` in the output) for each mode: `warmup` untimed
    /// iterations, then the median of `iterations` timed ones.
    public static func run(_ network: ClassifierNetwork, name: String, settings s: BenchSettings,
                           progress: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
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
            for i in 0..<s.warmup { progress("\(mode.rawValue) warm-up \(i + 1)/\(s.warmup)"); try step() }
            let profile = s.profile ? OpProfile() : nil
            ctx.profile = profile
            defer { ctx.profile = nil }
            var times: [Double] = [], cpuTimes: [Double] = []
            for i in 0..<s.iterations {
                progress("\(mode.rawValue) iteration \(i + 1)/\(s.iterations)")
                let t0 = DispatchTime.now().uptimeNanoseconds, c0 = OpProfile.processCPUSeconds()
                try step()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                cpuTimes.append(OpProfile.processCPUSeconds() - c0)
            }
            let median = times.sorted()[times.count / 2]
            // A training step costs forward + backward ≈ 3× forward (backward computes both
            // dX and dW): the same convention as docs/FACTS.md's "≈ 2.93× forward".
            let flops = flopsPerImage * Double(s.batch) * (mode == .train ? 3 : 1)
            out.append(BenchMeasurement(mode: mode, model: name, size: s.size, batch: s.batch,
                                        images_per_s: Double(s.batch) / median,
                                        gflops: flops / median / 1e9,
                                        peak_rss_mb: PeakMemory.megabytes, blas_kernel: BLAS.kernel,
                                        matrix_products: MatrixProducts.kernelName(s.matrixProducts),
                                        threads: s.threads, ms_per_iter: median * 1000,
                                        cpu_ms_per_iter: cpuTimes.sorted()[cpuTimes.count / 2] * 1000,
                                        profile: profile.map { BenchProfileRow.rows($0, steps: times, cpu: cpuTimes) }))
        }
        return out
    }
}
