// Peak resident memory of this process, the CPU counterpart of Monk's GPU-only figure.
#if canImport(Glibc)
import Glibc
#endif

public enum PeakMemory {
    /// Peak resident set size in MiB since the process started (getrusage; Linux reports KiB).
    public static var megabytes: Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
