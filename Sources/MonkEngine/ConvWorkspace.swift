// Reusable scratch memory for im2col matrices, so convolutions do not page-fault in fresh
// buffers on every call, and the rule that sizes im2col chunks.
import Foundation

/// A growable, 64-byte-aligned float buffer that convolutions borrow for their im2col and
/// column-gradient matrices. Allocating tens of megabytes per call costs milliseconds of page
/// faults, so each `Conv2D` keeps one; `shareConvWorkspace()` hands a whole network a single
/// one (convolutions run one at a time, so one buffer of the largest size suffices).
///
/// Not thread-safe: a network (and so its workspace) runs one forward or backward at a time.
public final class ConvWorkspace: @unchecked Sendable {
    private var storage: UnsafeMutablePointer<Float>?
    /// Floats currently allocated.
    public private(set) var capacity = 0
    /// Target size of one im2col chunk in floats. 128 Ki floats (512 KiB) stays in the 1 MiB
    /// L2 cache between being written by im2col and read by the GEMM: measured on ResNet-18's
    /// layer1 (one thread, thread CPU time) 89 GFLOP/s forward against 54 with the whole
    /// 38 MB matrix at once, and faster than one sgemm on the unchunked matrix (80).
    public let chunkLimit: Int
    /// Fewest GEMM rows per chunk: below a few hundred rows OpenBLAS' per-call packing of the
    /// weights dominates (ResNet-18 layer4, K = 4608: 60 GFLOP/s with 28-row chunks, 93 whole).
    public let minRows: Int

    public init(chunkLimit: Int = 1 << 17, minRows: Int = 256) {
        self.chunkLimit = max(1, chunkLimit)
        self.minRows = max(1, minRows)
    }

    deinit { free(storage) }

    /// At least `count` floats of uninitialised scratch, valid until the next call.
    func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity || storage == nil {
            free(storage)
            var raw: UnsafeMutableRawPointer?
            let bytes = max(count, 1) * MemoryLayout<Float>.stride
            guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
                fatalError("out of memory allocating \(bytes) bytes of convolution scratch")
            }
            storage = raw.bindMemory(to: Float.self, capacity: max(count, 1))
            capacity = max(count, 1)
        }
        return storage!
    }

    /// Output image rows per chunk, for im2col rows of `patch` floats and `ow` GEMM rows per
    /// output image row: about `chunkLimit` floats, at least `minRows` GEMM rows, at least one
    /// image row, at most `imageRows`.
    func chunkImageRows(patch: Int, ow: Int, imageRows: Int) -> Int {
        let gemmRows = max(minRows, chunkLimit / max(1, patch))
        return max(1, min(imageRows, (gemmRows + ow - 1) / max(1, ow)))
    }
}

extension Module {
    /// Gives every `Conv2D` in this module tree one shared scratch buffer instead of one
    /// each, so peak scratch memory is that of the largest convolution, not their sum.
    public func shareConvWorkspace(_ workspace: ConvWorkspace = ConvWorkspace()) {
        if let conv = self as? Conv2D { conv.workspace = workspace }
        for (_, child) in namedChildren { child.shareConvWorkspace(workspace) }
    }
}
