// `monkpipe bench`: training and inference throughput on random data.
import ArgumentParser
import Foundation
import MonkPipeline

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training (forward + backward + SGD step) and inference images/s and GFLOP/s.",
        discussion: "Median of --iterations timed steps after --warmup untimed ones; random data, 2 classes. Compare with benchmarks/torch_baseline.py (PyTorch) run right before or after on the same machine. --versus-conv or --versus-products times a second setting in the same process, step by step against the first, for a ratio a busy machine's drift does not decide. --paced lets another program start each timed step (one line on standard input each), so that it can pair them with its own, one process at a time (benchmarks/train_vs_torch.py --paired against PyTorch).")

    @Option(name: .long, help: "Network (see `monkpipe models`).")
    var model = Architecture.resnet18_v1
    @Option(name: .long, help: "Square input size in pixels (default 128; 224 with --data).")
    var size: Int?
    @Option(name: .long, help: "Batch size.")
    var batch = 16
    @Option(name: .long, help: "What to time.")
    var mode = BenchModes.both
    @Option(name: .long) var warmup = 3
    @Option(name: .long, help: "Timed steps (default 8; with --paced, at most this many, and as many as standard input asks for when not given).")
    var iterations: Int?
    @Option(name: .long, help: "Threads (OpenBLAS and monkpipe's own loops).")
    var threads = 2
    @Option(name: .long, help: "Instead of a network: decode + resize a folder of JPEGs to --size (default 224) and report images/s (compare with benchmarks/data_pillow.py).")
    var data: String?
    @Option(name: .long, help: "Instead of a network: time the engine's kernels — conv (convolution layers on ResNet-18 shapes against raw sgemm), winograd (its phases, one thread), polyphase (the stride-2 phases, one thread) or layers (the memory-bound passes against a copy); best of --iterations runs.")
    var kernels: KernelSuite?
    @Option(name: .long, help: "Convolution products: automatic (Winograd F(4x4,3x3) for wide 3x3 stride-1 layers on maps of 8x8 and more, F(2x2,3x3) on smaller ones, polyphase F(2x2,3x3) for wide 3x3 stride-2 layers with 192 output tiles or more, im2col + GEMM elsewhere), im2col, winograd (F(2x2,3x3) wherever it applies), winograd4 (F(4x4,3x3) wherever it applies) or polyphase (wherever it applies).")
    var conv = ConvAlgorithm.automatic
    @Option(name: .long, help: "1x1 convolutions' forward products: automatic (monkpipe's own AVX-512 kernel where it is faster, on CPUs that have AVX-512; OpenBLAS elsewhere) or openblas (OpenBLAS for all, to compare).")
    var products = MatrixProducts.automatic
    @Option(name: .long, help: ArgumentHelp("Also time the steps with this --conv setting, in the same process, its steps interleaved with the others' (A B, B A, …), and print the paired ratio (with --profile, each setting's profile).", valueName: "conv"))
    var versusConv: ConvAlgorithm?
    @Option(name: .long, help: ArgumentHelp("Also time the steps with this --products setting, interleaved the same way.", valueName: "products"))
    var versusProducts: MatrixProducts?
    @Flag(name: .long, help: "Let another program pace the timed steps, to pair them with its own: after the warm-up, print {\"paced\":\"ready\",…}; then, before each timed step, wait for one line on standard input, and after it print {\"paced\":\"step\",\"step\":N,\"wall_ms\":…,\"cpu_ms\":…}; stop at the end of standard input and print the summary. Needs --mode train or infer (see benchmarks/train_vs_torch.py --paired).")
    var paced = false
    @Flag(name: .long, help: "Also time every op of the timed steps and print where the time goes (by kind, then by layer shape).")
    var profile = false
    @Flag(name: .long, help: "One JSON object per measurement.")
    var json = false

    func validate() throws {
        guard (size ?? 128) >= 16, batch >= 1, (iterations ?? 1) >= 1, warmup >= 0, threads >= 1 else {
            throw ValidationError("--size ≥ 16, --batch ≥ 1, --iterations ≥ 1, --warmup ≥ 0, --threads ≥ 1")
        }
        if versusConv != nil || versusProducts != nil {
            guard versusConv == nil || versusProducts == nil else {
                throw ValidationError("give one of --versus-conv and --versus-products: a pairing compares two settings that differ in one thing")
            }
            guard data == nil, kernels == nil else { throw ValidationError("--versus-conv and --versus-products compare a network's steps, not --data or --kernels") }
        }
        if paced {
            guard versusConv == nil, versusProducts == nil else {
                throw ValidationError("--paced lets another program pair its steps with this setting's; --versus-conv and --versus-products pair two settings inside bench: give one or the other")
            }
            guard data == nil, kernels == nil else { throw ValidationError("--paced paces a network's steps, not --data or --kernels") }
            guard mode != .both else { throw ValidationError("--paced times one kind of step: give --mode train or --mode infer") }
        }
    }

    /// Timed steps: as given, else 8, or (with --paced) as many as standard input asks for.
    var timedSteps: Int { iterations ?? (paced ? Int.max : 8) }

    /// The second setting of a paired run.
    var versus: BenchVariant? { versusConv.map(BenchVariant.conv) ?? versusProducts.map(BenchVariant.products) }

    func run() throws {
        if let kernels {
            let timings = try reportingErrors {
                try KernelBenchmarks.run(kernels, threads: threads, runs: timedSteps,
                                         progress: json ? { _ in } : { FileHandle.standardError.write(Data("\r\($0)   ".utf8)) })
            }
            if !json { FileHandle.standardError.write(Data("\r".utf8)); print("OpenBLAS kernel \(KernelBenchmarks.blasKernel)") }
            for t in timings { if json { printJSON(t) } else { print(t.line) } }
            return
        }
        if let data {
            let side = size ?? 224
            let r = try reportingErrors { try DataPathBenchmark.run(folder: URL(fileURLWithPath: data), side: side, threads: threads) }
            if json { printJSON(r) } else { print(r.summary) }
            return
        }
        let settings = BenchSettings(size: size ?? 128, batch: batch, modes: mode.modes, warmup: warmup, iterations: timedSteps, threads: threads, convAlgorithm: conv, matrixProducts: products, profile: profile, versus: versus)
        let results = try reportingErrors {
            try Benchmark.run(model: model, settings: settings, pacer: paced ? .standardStreams : nil, progress: json ? { _ in } : { FileHandle.standardError.write(Data("\r\($0)   ".utf8)) })
        }
        if !json { FileHandle.standardError.write(Data("\r".utf8)) }
        for r in results {
            if json { printJSON(r) } else {
                print(String(format: "%@ %@ %dpx batch %d: %.1f images/s, %.1f GFLOP/s, %.0f ms/iter (CPU %.0f ms), peak RSS %.0f MB, BLAS kernel %@, 1x1 products %@, %d threads",
                             r.mode.rawValue, r.model, r.size, r.batch, r.images_per_s, r.gflops, r.ms_per_iter, r.cpu_ms_per_iter ?? 0,
                             r.peak_rss_mb, r.blas_kernel, r.matrix_products ?? "openblas", r.threads)
                      + (r.setting.map { ", \($0)" } ?? ""))
                if let rows = r.profile { print(BenchProfileRow.table(rows)) }
                if let p = r.paired, let this = r.setting {
                    print(String(format: "  %@ / %@, step by step over %d pairs: wall %.3f, CPU %.3f (medians of the pairs' ratios); faster in %d of %d",
                                 this, p.against, p.pairs, p.wall_ratio, p.cpu_ratio, p.faster_in, p.pairs))
                }
            }
        }
    }
}

/// `--mode`: training steps, inference, or both in one run.
enum BenchModes: String, CaseIterable, ExpressibleByArgument {
    case train, infer, both
    var modes: [BenchMeasurement.Mode] {
        switch self {
        case .train: return [.train]
        case .infer: return [.infer]
        case .both: return [.train, .infer]
        }
    }
}
