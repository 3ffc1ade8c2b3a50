// Ctrl-C handling: the first SIGINT/SIGTERM asks training to stop after the current batch
// and save; a second one ends the process at once.
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A flag the training loop polls between batches. Owned by whoever runs the pipeline (the
/// CLI installs signal handlers into it; tests set it directly).
public final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var batchesLeft: Int?
    private var sources: [DispatchSourceSignal] = []

    public init() {}

    /// A signal that requests itself once `batches` batches have finished (training batches,
    /// then the test stage's prediction batches): an interruption at an exact, reproducible
    /// point (resume tests), with no timing involved.
    public init(afterBatches batches: Int) { batchesLeft = batches }

    public var isRequested: Bool { lock.withLock { requested } }

    public func request() { lock.withLock { requested = true } }

    /// Called after each training or prediction batch; counts down `afterBatches`.
    func batchFinished() {
        lock.withLock {
            guard let left = batchesLeft else { return }
            batchesLeft = left - 1
            if left <= 1 { requested = true }
        }
    }

    /// What a second signal prints before the process ends: its locks stay on disk.
    static let secondSignalMessage = "\nstopped at once (second interrupt): nothing more was saved, and the experiment's lock file stays behind; the next run takes it over (a lock whose process is gone is stale)\n"

    /// Routes SIGINT and SIGTERM to this flag. A second signal exits with status 130 at once.
    public func installSignalHandlers(onFirst: @escaping @Sendable () -> Void = {}) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { [weak self] in
                guard let self else { return }
                if self.isRequested {
                    let message = Array(StopSignal.secondSignalMessage.utf8)
                    _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
                    _exit(130)
                }
                self.request()
                onFirst()
            }
            src.resume()
            sources.append(src)
        }
    }
}

/// Thrown out of a stage when a stop was requested and the state was saved.
public struct StoppedByUser: Error, CustomStringConvertible {
    public let detail: String
    public var description: String { "stopped by the user; \(detail). Run the same command again to resume." }
}
