// What each cluster job asks the scheduler for (cores, memory, wall time), parsed once from
// the command line into typed values that both Slurm and Kubernetes render in their syntax.
import Foundation

/// Wall-clock limit of one job.
public struct TimeLimit: Equatable, Sendable, CustomStringConvertible {
    public let seconds: Int

    public init(seconds: Int) { self.seconds = seconds }

    /// Slurm's forms: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`.
    public init(parsing text: String) throws {
        let bad = ClusterInputError.invalid(option: "--time", value: text,
                                            expected: "minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S (e.g. 90, 1:30:00, 2-00:00:00)")
        var days = 0
        var clock = Substring(text)
        if let dash = text.firstIndex(of: "-") {
            guard let d = Int(text[..<dash]), d >= 0 else { throw bad }
            days = d
            clock = text[text.index(after: dash)...]
        }
        let parts = clock.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else { throw bad }
        let n = parts.map { $0! }
        let seconds: Int
        if days > 0 || text.contains("-") {
            // After a day count the fields are hours[:minutes[:seconds]].
            let h = n[0], m = n.count > 1 ? n[1] : 0, s = n.count > 2 ? n[2] : 0
            seconds = ((days * 24 + h) * 60 + m) * 60 + s
        } else {
            switch n.count {
            case 1: seconds = n[0] * 60
            case 2: seconds = n[0] * 60 + n[1]
            default: seconds = (n[0] * 60 + n[1]) * 60 + n[2]
            }
        }
        guard seconds > 0, seconds <= 365 * 86_400 else { throw bad }
        self.seconds = seconds
    }

    /// `D-HH:MM:SS`, which every Slurm version reads.
    public var slurm: String {
        let d = seconds / 86_400, h = seconds / 3600 % 24, m = seconds / 60 % 60, s = seconds % 60
        return String(format: "%d-%02d:%02d:%02d", d, h, m, s)
    }

    public var description: String { slurm }
}

/// An amount of memory, kept in mebibytes (Slurm's unit; Kubernetes' `Mi`).
public struct MemorySize: Equatable, Sendable, CustomStringConvertible {
    public let mebibytes: Int

    public init(mebibytes: Int) { self.mebibytes = mebibytes }

    /// A number with an optional unit K, M (the default, as in Slurm), G or T; `Gi`-style
    /// suffixes and a trailing `B` are accepted too.
    public init(parsing text: String) throws {
        let bad = ClusterInputError.invalid(option: "--mem", value: text, expected: "a size such as 4G, 4096M or 512 (megabytes)")
        var t = text.uppercased()
        if t.hasSuffix("IB") { t.removeLast(2) } else if t.hasSuffix("I") { t.removeLast() } else if t.hasSuffix("B") && t.count > 1 { t.removeLast() }
        let unit = t.last.flatMap { $0.isLetter ? $0 : nil }
        if unit != nil { t.removeLast() }
        guard let value = Double(t), value > 0, value.isFinite else { throw bad }
        let factor: Double
        switch unit {
        case nil, "M": factor = 1
        case "K": factor = 1.0 / 1024
        case "G": factor = 1024
        case "T": factor = 1024 * 1024
        default: throw bad
        }
        let mb = (value * factor).rounded(.up)
        guard mb >= 1, mb < Double(Int32.max) else { throw bad }
        mebibytes = Int(mb)
    }

    public var slurm: String { "\(mebibytes)M" }
    public var kubernetes: String { "\(mebibytes)Mi" }
    public var description: String { slurm }
}

/// The resources every job of a submission requests.
public struct ClusterResources: Equatable, Sendable {
    public var cpusPerTask: Int?
    public var memory: MemorySize?
    public var time: TimeLimit?

    public init(cpusPerTask: Int? = nil, memory: MemorySize? = nil, time: TimeLimit? = nil) throws {
        if let c = cpusPerTask, !(1...4096).contains(c) {
            throw ClusterInputError.invalid(option: "--cpus-per-task", value: "\(c)", expected: "a whole number from 1 to 4096")
        }
        self.cpusPerTask = cpusPerTask
        self.memory = memory
        self.time = time
    }
}

/// A command-line value a cluster submission cannot use.
public enum ClusterInputError: Error, CustomStringConvertible, Equatable {
    case invalid(option: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .invalid(option, value, expected): return "\(option) \(value): expected \(expected)"
        }
    }
}
