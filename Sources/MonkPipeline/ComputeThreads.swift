// How monkpipe spends its cores: its own loops split work across threads, and OpenBLAS runs
// single-threaded inside each of them.

/// Returns the `Parallel` for `threads` and sets OpenBLAS to one thread. docs/FACTS.md: OpenBLAS'
/// worker threads spin after each call and compete with Swift threads, so one of the two
/// must own the cores. Conv2D's row/image-parallel path (each worker: im2col, GEMM, col2im on
/// its own rows) measured faster than OpenBLAS' own threading: ResNet-18 training at 128 px,
/// batch 16, 10.6 vs 7.7 images/s on the same (loaded) machine, back to back
/// (`monkpipe bench --model resnet18_v1 --size 128 --batch 16 --mode train`).
import MonkEngine

enum ComputeThreads {
    static func configure(_ threads: Int) -> Parallel {
        BLAS.threads = 1
        return Parallel(threads: max(1, threads))
    }
}
