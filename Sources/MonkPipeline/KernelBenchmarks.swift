// `monkpipe bench --kernels SUITE`: the engine's kernel micro-benchmarks, run with monkpipe's
// own thread setup (OpenBLAS single-threaded, `threads` workers of its own), as training runs.
import MonkEngine

public typealias KernelSuite = MonkEngine.KernelSuite
public typealias KernelTiming = MonkEngine.KernelTiming

public enum KernelBenchmarks {
    /// Best of `runs` timed calls per measurement; with one thread, the thread's CPU time.
    public static func run(_ suite: KernelSuite, threads: Int, runs: Int,
                           progress: (String) -> Void = { _ in }) throws -> [KernelTiming] {
        let parallel = ComputeThreads.configure(threads)
        return try KernelBenchmark.run(suite, parallel: parallel, runs: runs, progress: progress)
    }

    /// The OpenBLAS kernel in use (the GEMMs' speed depends on it).
    public static var blasKernel: String { BLAS.kernel }
}
