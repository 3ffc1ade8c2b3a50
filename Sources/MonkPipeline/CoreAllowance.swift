// How many cores `threads: auto` means: those a scheduler gave this process, not the node's.
// A Slurm task or a Kubernetes pod sees every core of its node but may use only its share.
import Foundation
import MonkPlan

public struct CoreAllowance: Sendable, Equatable {
    /// What `auto` resolves to.
    public let cores: Int
    /// Where that number came from, for messages ("SLURM_CPUS_PER_TASK", "machine").
    public let source: String

    /// `MONKPIPE_THREADS` (set by the Kubernetes manifests from the pod's CPU request), then
    /// Slurm's `SLURM_CPUS_PER_TASK` (set when a job asks for --cpus-per-task), then the
    /// machine's core count. Values that are not positive whole numbers are ignored.
    public init(environment: [String: String], machineCores: Int = ProcessInfo.processInfo.activeProcessorCount) {
        for name in ["MONKPIPE_THREADS", "SLURM_CPUS_PER_TASK"] {
            if let text = environment[name], let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 {
                cores = min(n, 4096)
                source = name
                return
            }
        }
        cores = max(1, machineCores)
        source = "machine"
    }

    /// Threads for a spec's thread count: a fixed count stays as written (results depend on
    /// it being the same everywhere); `auto` is this allowance.
    public func threads(_ count: ThreadCount) -> Int {
        switch count {
        case .auto: return cores
        case .fixed(let n): return max(1, n)
        }
    }
}
