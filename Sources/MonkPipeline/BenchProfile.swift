// `monkpipe bench --profile`: the ops of a benchmark's timed steps, as rows and a table.
import Foundation
import MonkEngine

/// One op's share of a benchmark step: its label, calls and milliseconds per step (wall clock,
/// and CPU time of all threads), and its fraction of the mean step's wall-clock time. The
/// last row, "(untimed)", is the rest of the step: ops that are not timed separately
/// (residual adds, ReLUs, tensor allocation, loop overhead).
public struct BenchProfileRow: Codable, Sendable, Equatable {
    public var op: String
    public var calls_per_step: Double
    public var ms_per_step: Double
    public var cpu_ms_per_step: Double
    public var share: Double

    static func rows(_ profile: OpProfile, steps times: [Double], cpu cpuTimes: [Double]) -> [BenchProfileRow] {
        let steps = Double(max(times.count, 1))
        let stepSeconds = times.reduce(0, +) / steps, stepCPU = cpuTimes.reduce(0, +) / steps
        func row(_ op: String, _ calls: Double, _ seconds: Double, _ cpu: Double) -> BenchProfileRow {
            BenchProfileRow(op: op, calls_per_step: calls, ms_per_step: seconds * 1000, cpu_ms_per_step: cpu * 1000,
                            share: stepSeconds > 0 ? seconds / stepSeconds : 0)
        }
        let timed = profile.rows
            .map { row($0.label, Double($0.calls) / steps, $0.seconds / steps, $0.cpuSeconds / steps) }
            .sorted { $0.ms_per_step > $1.ms_per_step }
        return timed + [row("(untimed)", 0, max(0, stepSeconds - profile.totalSeconds / steps),
                            max(0, stepCPU - profile.totalCPUSeconds / steps))]
    }

    /// The rows grouped by kind (the label without its sizes: "conv 3×3 winograd backward"),
    /// largest first: where a step goes at a glance.
    public static func byKind(_ rows: [BenchProfileRow]) -> [BenchProfileRow] {
        var order: [String] = [], totals: [String: BenchProfileRow] = [:]
        for r in rows {
            let kind = Self.kind(r.op)
            if totals[kind] == nil {
                order.append(kind)
                totals[kind] = BenchProfileRow(op: kind, calls_per_step: 0, ms_per_step: 0, cpu_ms_per_step: 0, share: 0)
            }
            totals[kind]!.calls_per_step += r.calls_per_step
            totals[kind]!.ms_per_step += r.ms_per_step
            totals[kind]!.cpu_ms_per_step += r.cpu_ms_per_step
            totals[kind]!.share += r.share
        }
        return order.compactMap { totals[$0] }.sorted { $0.ms_per_step > $1.ms_per_step }
    }

    /// "conv 3×3/1 64→64 @56×56 winograd forward" → "conv 3×3 winograd forward"; other labels
    /// lose their sizes (words with digits or "@").
    static func kind(_ label: String) -> String {
        let words = label.split(separator: " ")
        if words.first == "conv", words.count >= 5 {
            let kernel = words[1].split(separator: "/").first.map(String.init) ?? ""
            return (["conv", kernel] + words.suffix(2).map(String.init)).joined(separator: " ")
        }
        return words.filter { w in !w.contains("@") && !w.contains(where: \.isNumber) }.joined(separator: " ")
    }

    /// A text table: by kind, then every op.
    public static func table(_ rows: [BenchProfileRow]) -> String {
        func line(_ r: BenchProfileRow) -> String {
            String(format: "%9.2f %9.2f %6.1f%% %7.1f  %@", r.ms_per_step, r.cpu_ms_per_step, r.share * 100,
                   r.calls_per_step, r.op)
        }
        let head = "  wall ms    cpu ms  share   calls  op (per step)"
        return (["by kind:", head] + byKind(rows).map(line) + ["", "by op:", head] + rows.map(line))
            .joined(separator: "\n")
    }
}
