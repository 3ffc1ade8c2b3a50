// The bounded prefetch queue between the loader's producer thread and the training loop.
import Foundation

/// The batches of one epoch, produced on a background thread at most `prefetch` ahead of
/// `next()`. Dropping this object stops the producer after its current batch.
public final class EpochBatches: @unchecked Sendable {
    /// State shared with the producer thread; every field is guarded by `condition`.
    final class Queue: @unchecked Sendable {
        let condition = NSCondition()
        var ready: [Int: Result<Batch, LoaderError>] = [:]
        var consumed = 0
        var cancelled = false
    }

    private let queue = Queue()
    public let count: Int

    init(loader: BatchLoader, epoch: Int, first: Int) {
        count = loader.batchesPerEpoch
        let queue = self.queue, total = count, prefetch = loader.settings.prefetch
        let start = min(max(0, first), total)
        queue.consumed = start
        let order = loader.order(epoch: epoch)
        let thread = Thread {
            for b in start..<total {
                queue.condition.lock()
                while !queue.cancelled && b - queue.consumed >= prefetch { queue.condition.wait() }
                let stop = queue.cancelled
                queue.condition.unlock()
                if stop { return }
                let result = Result { () throws(LoaderError) -> Batch in try loader.batch(epoch: epoch, number: b, order: order) }
                queue.condition.lock()
                queue.ready[b] = result
                queue.condition.broadcast()
                queue.condition.unlock()
            }
        }
        thread.name = "monkdata.loader"
        thread.start()
    }

    deinit {
        queue.condition.lock()
        queue.cancelled = true
        queue.condition.broadcast()
        queue.condition.unlock()
    }

    /// The next batch, waiting for it if needed; nil after the last one.
    public func next() throws(LoaderError) -> Batch? {
        queue.condition.lock()
        defer { queue.condition.unlock() }
        let b = queue.consumed
        if b >= count { return nil }
        while queue.ready[b] == nil { queue.condition.wait() }
        let result = queue.ready.removeValue(forKey: b)!
        queue.consumed += 1
        queue.condition.broadcast()
        return try result.get()
    }

    /// Batches finished and not yet taken (for tests of the queue bound).
    var readyCount: Int {
        queue.condition.lock()
        defer { queue.condition.unlock() }
        return queue.ready.count
    }
}
