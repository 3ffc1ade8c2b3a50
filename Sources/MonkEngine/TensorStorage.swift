// Recycling of large tensor buffers: training allocates and frees gigabytes per step, and a
// fresh page costs a page fault on first touch, so freed pages are kept and handed out again.
import Foundation

/// Where tensor buffers come from. Small ones (under `minimumBytes`) come from malloc, whose
/// small-block bins are already fast. A large one is its own anonymous mapping, and a freed
/// large buffer gives its *pages* to a pool: a new buffer of any size takes pages from the
/// pool by moving them into its address range (`mremap` moves page-table entries: no copy,
/// no fault, measured 64 MB in 39 µs), and only what the pool cannot supply faults in fresh.
///
/// Why not keep freed buffers by exact size (the first version): sizes rarely repeat soon.
/// DenseNet's layers each allocate tensors of a width no other layer uses, so the cache held
/// 1 GB of buffers no request fitted while the same amount was faulted in fresh: peak RSS was
/// live tensors (1.1 GB) plus that idle 1 GB plus malloc's fragments. With pages shared by
/// all sizes, fresh pages fault in only while the pool is empty, so resident memory stays at
/// the peak of live tensor memory (plus page rounding), and steady-state steps fault nothing.
/// The pool holds one process's memory, like malloc's own arenas, and no model state.
///
/// A freed buffer is first kept whole, by size: a training step allocates the same sizes in
/// the same order as the step before, so in steady state every large allocation is the
/// exact size of a buffer the previous step freed, and is handed out again with no system
/// call at all. A size with no whole buffer takes the pool's loose pages (mmap + mremap, as
/// above) and faults in the rest while resident memory stays within `wholeSlack` above the
/// peak of live tensors; beyond that it breaks whole buffers (oldest freed first) into loose
/// pages, so resident memory stays within 1.15× the peak of live tensors. Why: each page move
/// splits mappings and clones their anon_vma chains, and that kernel work grew through a run
/// (densenet121 batch 4: 6% of the training loop's CPU in its first sixth, 17% in its last,
/// 35 steps; `perf record -g`, 2026-12-06).
enum TensorStorage {
    static let minimumBytes = 256 * 1024
    /// Most idle memory the pool keeps; more is unmapped at once. The pool never raises peak
    /// resident memory (its pages were live tensors a moment before), so the bound only
    /// limits what a finished large job leaves behind; `trim()` returns everything.
    static let capacityBytes = 4 << 30
    /// Pool remnants smaller than this are unmapped: moving them costs a system call each.
    static let smallestRegion = 64 * 1024
    /// Most regions the pool keeps; beyond, the smallest is unmapped. Taking pieces for buffers
    /// of ever-changing sizes fragments the pool slowly (densenet121: ~50 more regions per
    /// step, each allocation scanning them all and moving ~1.3 on average), and this bounds it.
    static let maxRegions = 512
    /// Page moves after which the pool starts over: the next allocation that would move
    /// pages first returns every idle page (whole buffers too) to the system and faults its
    /// pages in fresh. Every move leaves its pages a mapping of their own, so without this the
    /// process's mappings grew without bound and each move cost more than the one before:
    /// densenet121 batch 4 training (`monkpipe bench`, 2026-12-07, Intel Xeon VM) made ~180
    /// moves per step, its mappings (/proc/PID/maps) grew from 92 to 10,684 in 150 steps, a
    /// move took 93 µs in the first 30 steps and 613 µs by step 240 (`strace -T`), system
    /// time went from 4% of the CPU over 30 steps to 9% over 300 and the step rate fell 12%
    /// (7.37 → 6.50 img/s); a tutorial-length run (thousands of steps) would have kept slowing
    /// until the kernel's limit of 65,530 mappings made moves fail. Starting over every 4096
    /// moves (about 22 steps there) keeps the mappings at 2,500–4,700 through 400 steps, system
    /// time flat at 4–5%, the step rate at 7.31 (30 steps) / 7.20 (300) / 7.75 (400) img/s and
    /// peak memory the same (555 MB), for 1,000 more page faults per step.
    static let renewalMoves = 4096

    /// A run of pages the pool holds or a buffer is made of. A buffer's part is inside one
    /// mapping; a pool region may be several, joined by `keep` (see `cuts`).
    private struct Region { var base: UnsafeMutableRawPointer; var bytes: Int }
    /// A freed buffer kept whole: its address range, the regions it is made of (one when it
    /// was never assembled from pieces), and when it was freed (to break up the oldest first).
    private struct Whole { var base: UnsafeMutableRawPointer; var bytes: Int; var parts: [Region]; var freed: Int }

    private static let pageBytes = Int(sysconf(Int32(_SC_PAGESIZE)))
    private static let mover = PageMover.load()
    private static let lock = NSLock()
    nonisolated(unsafe) private static var pool: [Region] = []
    /// Addresses inside the pool's regions where one mapping ends and the next begins, sorted.
    /// `keep` joins a region to its address neighbours, which are other mappings (pieces moved
    /// in separately, or another buffer's range), and kernels before Linux 6.17 move no range
    /// that spans two mappings: `mremap` fails with EFAULT, and the region was unmapped. In
    /// densenet121 batch 4 training (`monkpipe bench`, 42 steps, 2026-12-07, Linux 6.18) 6,265
    /// of 7,589 moves took a joined region (9.3 mappings on average); with the older kernels'
    /// rule checked against /proc/self/maps before each move, 1,012 moves failed and the run
    /// faulted 1.11M pages instead of 166k. So a joined region is moved in one call where the
    /// kernel allows it and, where that fails, one mapping at a time, each piece a part of its
    /// own in the new buffer: no move fails, and 6.17+ kernels keep one call per region.
    nonisolated(unsafe) private static var cuts: [UInt] = []
    nonisolated(unsafe) private static var cachedBytes = 0
    /// The regions a live buffer was assembled from, by address, to return them separately.
    nonisolated(unsafe) private static var pieces: [UInt: [Region]] = [:]
    /// Freed buffers kept whole, by their (page-rounded) size; their bytes count in `cachedBytes`.
    nonisolated(unsafe) private static var wholes: [Int: [Whole]] = [:]
    nonisolated(unsafe) private static var wholeBytes = 0
    nonisolated(unsafe) private static var releases = 0
    /// Large allocations served whole (no system call) and assembled (mmap, page moves).
    nonisolated(unsafe) private static var reusedCount = 0
    nonisolated(unsafe) private static var assembledCount = 0
    /// Page moves since the pool last started over, and how often it did.
    nonisolated(unsafe) private static var movesSinceRenewal = 0
    nonisolated(unsafe) private static var renewalCount = 0
    /// Regions taken that lay in several mappings (moved in one call, or piece by piece where
    /// the kernel refuses that), and moves that failed (their pages unmapped; none expected).
    nonisolated(unsafe) private static var joinedMoveCount = 0
    nonisolated(unsafe) private static var failedMoveCount = 0
    /// Refuse, as kernels before Linux 6.17 do, a move whose source spans two mappings (read
    /// from /proc/self/maps before each move: slow, for tests).
    nonisolated(unsafe) private static var oneMappingMoves = false
    /// Bytes of large buffers handed out and not yet freed, and their peak so far.
    nonisolated(unsafe) private static var liveBytes = 0
    nonisolated(unsafe) private static var peakLiveBytes = 0
    /// How far idle whole buffers may take resident memory above the peak of live tensors
    /// before a new size breaks them up instead of faulting fresh pages: exact reuse needs the
    /// buffers a step frees early to wait, whole, for the next step; breaking them for other
    /// sizes makes the next step miss them, and so on every step. Measured (2026-12-06,
    /// densenet121 batch 4 training, 21 steps; mobilenet_v2 batch 32 inference): slack 0 keeps
    /// peak RSS (389 / 392 MB) and the kernel's share still creeps up (4.0% → 5.1% of the
    /// CPU); 0.15 costs +11% peak RSS (432 / 444 MB) for a flat 3.0%; 0.3, +22% for 2.8%; 0.5,
    /// +38% for 2.5%. Before whole reuse: 4.8% → 7.8% over 21 steps, 10.4% by step 41.
    static let wholeSlack = 0.15

    static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        guard bytes >= minimumBytes else {
            var raw: UnsafeMutableRawPointer?
            guard posix_memalign(&raw, 64, bytes) == 0, let raw else { outOfMemory(bytes) }
            return raw
        }
        let size = roundedUp(bytes)
        if let reused = lock.withLock({ () -> UnsafeMutableRawPointer? in
            guard let w = wholes[size]?.popLast() else { return nil }
            if wholes[size]?.isEmpty == true { wholes[size] = nil }
            wholeBytes -= size; cachedBytes -= size; reusedCount += 1
            liveBytes += size; peakLiveBytes = max(peakLiveBytes, liveBytes)
            if w.parts.count > 1 { pieces[UInt(bitPattern: w.base)] = w.parts }
            return w.base
        }) { return reused }
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let base = mapped, base != UnsafeMutableRawPointer(bitPattern: -1) else { outOfMemory(bytes) }
        guard let mover else { return base }
        var stale: [Region] = []
        defer { for r in stale { munmap(r.base, r.bytes) } }  // outside the lock
        lock.withLock {
            assembledCount += 1
            if movesSinceRenewal >= renewalMoves {
                stale = takeAll()
                movesSinceRenewal = 0; renewalCount += 1
            }
            liveBytes += size; peakLiveBytes = max(peakLiveBytes, liveBytes)
            // Resident bytes after this allocation if it takes what the loose pages cover and
            // faults in the rest; within the slack the idle whole buffers stay whole.
            let loose = cachedBytes - wholeBytes
            let resident = liveBytes + cachedBytes - min(loose, size)
            if Double(resident) > Double(peakLiveBytes) * (1 + wholeSlack) { breakWholes(toCover: size) }
            var parts: [Region] = [], filled = 0
            while filled < size, let r = takeRegion(covering: size - filled) {
                cachedBytes -= r.bytes  // what is not taken goes back through keep
                let take = min(r.bytes, size - filled)
                // A cut where the take ends is where the rest begins, no longer inside a region.
                // Pages that lie in several mappings move in one call where the kernel allows it
                // (Linux 6.17 and later), else one move per mapping.
                let ends = takeCuts(after: r.base, upTo: r.base + take).map { UnsafeMutableRawPointer(bitPattern: $0)! }
                    + [r.base + take]
                let joined = ends[0] < r.base + take
                if joined { joinedMoveCount += 1 }
                // Moved whole, its pieces still become parts: where a kernel refuses, the pool
                // must know every mapping's edge.
                let movedWhole = joined && mover.move(r.base, take, to: base + filled, oneMapping: oneMappingMoves)
                var from = r.base
                for end in ends where end > from {
                    let bytes = from.distance(to: end)
                    guard movedWhole || mover.move(from, bytes, to: base + filled, oneMapping: oneMappingMoves) else { break }
                    parts.append(Region(base: base + filled, bytes: bytes))
                    filled += bytes; from = end
                }
                movesSinceRenewal += 1
                guard from == r.base + take else {
                    // Unmovable (should not happen): give back what is left of the region.
                    failedMoveCount += 1
                    unmap(Region(base: from, bytes: from.distance(to: r.base + r.bytes)))
                    continue
                }
                if take < r.bytes { keep(Region(base: r.base + take, bytes: r.bytes - take)) }
            }
            if filled < size { parts.append(Region(base: base + filled, bytes: size - filled)) }
            if parts.count > 1 { pieces[UInt(bitPattern: base)] = parts }
        }
        return base
    }

    static func release(_ p: UnsafeMutableRawPointer, bytes: Int) {
        guard bytes >= minimumBytes else { Foundation.free(p); return }
        let size = roundedUp(bytes)
        let pooled: Bool = lock.withLock {
            if mover != nil { liveBytes -= size }
            let parts = pieces.removeValue(forKey: UInt(bitPattern: p)) ?? [Region(base: p, bytes: size)]
            guard mover != nil, cachedBytes + size <= capacityBytes else { return false }
            releases += 1
            wholes[size, default: []].append(Whole(base: p, bytes: size, parts: parts, freed: releases))
            wholeBytes += size; cachedBytes += size
            return true
        }
        if !pooled { munmap(p, size) }  // unmaps every piece of the range at once
    }

    /// Returns every pooled page to the system (e.g. between experiments of different sizes).
    static func trim() {
        for r in lock.withLock({ takeAll() }) { munmap(r.base, r.bytes) }
    }

    /// Empties the pool and returns what it held, to unmap (a whole buffer's pieces lie inside
    /// its range). Lock held.
    private static func takeAll() -> [Region] {
        defer { pool = []; cuts = []; wholes = [:]; wholeBytes = 0; cachedBytes = 0 }
        return pool + wholes.values.joined().map { Region(base: $0.base, bytes: $0.bytes) }
    }

    /// Bytes of idle pages the pool holds now (whole buffers included).
    static var pooledBytes: Int { lock.withLock { cachedBytes } }

    /// Large allocations so far that reused a freed buffer whole, and that were assembled from
    /// a fresh mapping and moved pages (for tests of the steady state).
    static var allocationCounts: (reused: Int, assembled: Int) { lock.withLock { (reusedCount, assembledCount) } }

    /// Times the pool started over after `renewalMoves` page moves (for tests).
    static var renewals: Int { lock.withLock { renewalCount } }

    /// Regions taken that lay in several mappings, and moves that failed (for tests).
    static var moveCounts: (joined: Int, failed: Int) { lock.withLock { (joinedMoveCount, failedMoveCount) } }

    /// Whether moves are held to one mapping, as kernels before Linux 6.17 hold them (for tests).
    static var movesWithinOneMapping: Bool {
        get { lock.withLock { oneMappingMoves } }
        set { lock.withLock { oneMappingMoves = newValue } }
    }

    /// Breaks whole buffers, oldest freed first, into the page pool until the pool's regions
    /// hold `bytes` or no whole buffer is left. Lock held.
    private static func breakWholes(toCover bytes: Int) {
        guard cachedBytes - wholeBytes < bytes, !wholes.isEmpty else { return }
        var all = wholes.values.joined().sorted { $0.freed < $1.freed }
        var taken = 0
        while cachedBytes - wholeBytes < bytes, taken < all.count {
            let w = all[taken]
            taken += 1
            wholeBytes -= w.bytes; cachedBytes -= w.bytes
            // Its parts go back as one region (keep counts it back into cachedBytes): kept one
            // by one, a part under `smallestRegion` would be unmapped before its neighbours came.
            for r in w.parts.dropFirst() { insertCut(r.base) }
            keep(Region(base: w.base, bytes: w.bytes))
        }
        all.removeFirst(taken)
        wholes = Dictionary(grouping: all, by: \.bytes)
    }

    /// Removes and returns the pool's best region for `bytes` more: the smallest that covers
    /// them (one move, small remnant), else the largest (fewest moves). Lock held.
    private static func takeRegion(covering bytes: Int) -> Region? {
        guard !pool.isEmpty else { return nil }
        var best = 0
        for i in pool.indices.dropFirst() {
            let r = pool[i].bytes, b = pool[best].bytes
            if r >= bytes ? (b < bytes || r < b) : (b < bytes && r > b) { best = i }
        }
        return pool.remove(at: best)
    }

    /// Adds a region to the pool, or unmaps it when too small to be worth a move. Lock held.
    private static func keep(_ r: Region) {
        // The pool is sorted by address, and a region that continues a neighbour joins it:
        // pieces of a freed buffer come back together instead of fragmenting the pool.
        var lo = 0, hi = pool.count
        while lo < hi { let mid = (lo + hi) / 2; if pool[mid].base < r.base { lo = mid + 1 } else { hi = mid } }
        // The joins are other mappings: `cuts` records where.
        var merged = r
        if lo < pool.count, merged.base + merged.bytes == pool[lo].base {
            insertCut(pool[lo].base)
            merged.bytes += pool.remove(at: lo).bytes
        }
        if lo > 0, pool[lo - 1].base + pool[lo - 1].bytes == merged.base {
            insertCut(merged.base)
            lo -= 1
            let before = pool.remove(at: lo)
            merged = Region(base: before.base, bytes: before.bytes + merged.bytes)
        }
        cachedBytes += r.bytes
        if merged.bytes < smallestRegion { cachedBytes -= merged.bytes; unmap(merged); return }
        pool.insert(merged, at: lo)
        guard pool.count > maxRegions else { return }
        let dropped = pool.remove(at: pool.indices.min { pool[$0].bytes < pool[$1].bytes }!)
        cachedBytes -= dropped.bytes
        unmap(dropped)
    }

    /// Unmaps a region the pool no longer holds and forgets the cuts inside it. Lock held.
    private static func unmap(_ r: Region) {
        _ = takeCuts(after: r.base, upTo: r.base + r.bytes)
        munmap(r.base, r.bytes)
    }

    /// Index of the first cut at or after `address` in `cuts`. Lock held.
    private static func cutIndex(_ address: UInt) -> Int {
        var lo = 0, hi = cuts.count
        while lo < hi { let mid = (lo + hi) / 2; if cuts[mid] < address { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    private static func insertCut(_ at: UnsafeMutableRawPointer) {
        let address = UInt(bitPattern: at)
        cuts.insert(address, at: cutIndex(address))
    }

    /// Removes and returns, in order, the cuts after `start` up to `end` included. Lock held.
    private static func takeCuts(after start: UnsafeMutableRawPointer, upTo end: UnsafeMutableRawPointer) -> [UInt] {
        let lo = cutIndex(UInt(bitPattern: start) + 1), hi = cutIndex(UInt(bitPattern: end) + 1)
        guard lo < hi else { return [] }
        defer { cuts.removeSubrange(lo..<hi) }
        return Array(cuts[lo..<hi])
    }

    private static func roundedUp(_ bytes: Int) -> Int { (bytes + pageBytes - 1) / pageBytes * pageBytes }

    private static func outOfMemory(_ bytes: Int) -> Never {
        fatalError("out of memory allocating \(bytes) bytes for a tensor")
    }
}

/// Linux' `mremap`, looked up at run time: Swift does not import C functions with variadic
/// parameters, and `mremap`'s fifth argument (the target address) is variadic. Calling it
/// through a fixed five-argument pointer passes the same registers on x86-64 and arm64 Linux.
/// Nil where the C library has no `mremap` (then freed buffers are simply unmapped).
private struct PageMover: @unchecked Sendable {
    typealias Mremap = @convention(c) (UnsafeMutableRawPointer?, Int, Int, Int32, UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?
    let mremap: Mremap

    static func load() -> PageMover? {
        guard let symbol = dlsym(nil, "mremap") else { return nil }
        return PageMover(mremap: unsafeBitCast(symbol, to: Mremap.self))
    }

    /// Moves `bytes` of pages at `from` (within one mapping) to `to`, replacing what was mapped
    /// there; the contents move with them. With `oneMapping`, a range that is not inside one
    /// mapping is refused first, as kernels before Linux 6.17 refuse it (EFAULT).
    func move(_ from: UnsafeMutableRawPointer, _ bytes: Int, to: UnsafeMutableRawPointer, oneMapping: Bool) -> Bool {
        if oneMapping, !Self.insideOneMapping(UInt(bitPattern: from), bytes) { return false }
        let mayMove: Int32 = 1, fixed: Int32 = 2  // MREMAP_MAYMOVE | MREMAP_FIXED (linux/mman.h)
        return mremap(from, bytes, bytes, mayMove | fixed, to) == to
    }

    /// Whether one line of /proc/self/maps covers `bytes` from `start`. Read with `read` to the
    /// end: Foundation's `String(contentsOfFile:)` stops after the first 4 KB of a /proc file.
    static func insideOneMapping(_ start: UInt, _ bytes: Int) -> Bool {
        let fd = open("/proc/self/maps", O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var maps: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 1 << 16)
        while case let n = read(fd, &chunk, chunk.count), n > 0 { maps += chunk[..<n] }
        for line in maps.split(separator: UInt8(ascii: "\n")) {
            let range = line.prefix { $0 != UInt8(ascii: " ") }.split(separator: UInt8(ascii: "-"))
            guard range.count == 2, let lo = UInt(String(decoding: range[0], as: UTF8.self), radix: 16),
                  let hi = UInt(String(decoding: range[1], as: UTF8.self), radix: 16),
                  lo <= start, start < hi else { continue }
            return hi >= start + UInt(bytes)
        }
        return false
    }
}
