// Recycling of large tensor buffers: training allocates the same sizes every step, and fresh
// multi-megabyte allocations are mmap'ed by glibc and page-fault on first touch.
import Foundation

/// A cache of freed tensor buffers by exact byte size, shared by the process like malloc's
/// own arenas (it holds no model state, only memory). Buffers under `minimumBytes` go straight
/// to malloc, whose small-block bins are already fast. The cache keeps at most `capacityBytes`;
/// beyond that freed buffers are returned to the system.
///
/// Measured by the layers engineer: BatchNorm + ReLU forward and backward on a
/// [16,112,112,64] tensor took 165 ms with 50,267 page faults per step on fresh buffers,
/// against ~22 ms of actual work.
enum TensorStorage {
    static let minimumBytes = 256 * 1024
    static let capacityBytes = 1 << 30

    private static let lock = NSLock()
    nonisolated(unsafe) private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    nonisolated(unsafe) private static var cachedBytes = 0

    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        if bytes >= minimumBytes {
            let reused: UnsafeMutableRawPointer? = lock.withLock {
                guard let p = free[bytes]?.popLast() else { return nil }
                cachedBytes -= bytes
                return p
            }
            if let reused { return reused }
        }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("out of memory allocating \(bytes) bytes for a tensor")
        }
        return raw
    }

    static func release(_ p: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= minimumBytes {
            let kept: Bool = lock.withLock {
                guard cachedBytes + bytes <= capacityBytes else { return false }
                free[bytes, default: []].append(p)
                cachedBytes += bytes
                return true
            }
            if kept { return }
        }
        Foundation.free(p)
    }

    /// Returns every cached buffer to the system (e.g. between experiments of different sizes).
    static func trim() {
        let all: [UnsafeMutableRawPointer] = lock.withLock {
            let list = free.values.flatMap { $0 }
            free = [:]
            cachedBytes = 0
            return list
        }
        all.forEach { Foundation.free($0) }
    }
}
