// Peak resident memory of this process, per stage: the CPU counterpart of Monk's GPU-only figure.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum PeakMemory {
    /// Peak resident set size in MiB since the process started or since the last `reset()`:
    /// Linux' VmHWM from /proc/self/status, else getrusage (which cannot be reset).
    public static var megabytes: Double {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kib = Double(line.split(separator: " ").dropFirst().first ?? "") {
            return kib / 1024
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Starts a new peak (Linux ≥ 4.0: writing 5 to /proc/self/clear_refs resets VmHWM), so
    /// each experiment's train stage reports its own peak, not an earlier experiment's.
    public static func reset() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }
}
