// Reusable scratch memory for im2col matrices, so convolutions do not page-fault in fresh
// buffers on every call.
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
    /// Upper bound on one im2col chunk, in floats (16 MiB). Larger convolutions are processed
    /// in chunks of output rows; chunks of a few thousand rows keep the GEMMs efficient.
    public let chunkLimit: Int

    public init(chunkLimit: Int = 4 << 20) { self.chunkLimit = max(1, chunkLimit) }

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

    /// Output rows per chunk for rows of `rowLength` floats: a multiple of `alignRows` (one
    /// output image row, so col2im can work by whole rows), at least one such unit.
    func chunkRows(rowLength: Int, alignRows: Int, totalRows: Int) -> Int {
        let fit = max(1, chunkLimit / max(1, rowLength * alignRows)) * alignRows
        return min(fit, totalRows)
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
