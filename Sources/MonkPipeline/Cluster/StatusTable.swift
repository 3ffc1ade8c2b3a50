// The text form of `monkpipe status`: one row per experiment (failures followed by their
// log's last lines), the load job while Slurm lists it, then the comparison.
import Foundation

extension SweepStatus {
    public var table: String {
        let width = max(10, (experiments.map(\.experiment.count).max() ?? 0)) + 2
        func pad(_ t: String, _ n: Int) -> String { t.padding(toLength: max(n, t.count + 1), withPad: " ", startingAt: 0) }
        func row(_ name: String, _ state: String, _ detail: String) -> String {
            (pad(name, width) + pad(state.replacingOccurrences(of: "_", with: " "), 13) + detail).trimmingCharacters(in: .whitespaces)
        }
        func tail(_ lines: [String]?) -> [String] { (lines ?? []).map { String(repeating: " ", count: width + 2) + "| " + $0 } }

        var lines = [row("experiment", "state", "detail")]
        if let l = load {
            lines.append(row("(load)", l.state.rawValue, ["job \(l.job) \(l.jobState)", l.log.map { "log \($0)" }].compactMap { $0 }.joined(separator: "; ")))
            lines += tail(l.logTail)
        }
        for e in experiments {
            lines.append(row(e.experiment, e.state.rawValue, e.detail))
            lines += tail(e.logTail)
        }
        let c = comparison
        var detail: [String] = []
        if let others = c.otherProjects {
            detail.append("holds the report of project " + others.map { "'\($0)'" }.joined(separator: ", ") + "; rename this comparison")
        }
        if let r = c.report { detail.append(r) }
        if let j = c.job { detail.append("job \(j)" + (c.jobState.map { " \($0)" } ?? "")) }
        if c.state == .failed, let l = c.log { detail.append("log \(l)") }
        lines.append(row("comparison", c.state.rawValue, detail.joined(separator: "; ")))
        lines += tail(c.logTail)
        return lines.joined(separator: "\n")
    }

    /// "2 finished, 1 running, 1 failed (retry to come)": how many experiments are in each state.
    public var counts: String {
        Dictionary(grouping: experiments, by: \.countedState)
            .sorted { $0.key < $1.key }
            .map { "\($0.value.count) \($0.key)" }
            .joined(separator: ", ")
    }
}

extension ExperimentStatus {
    /// The state as `counts` (and `status --wait`'s lines) count it: a failure or an end the
    /// scheduler retries apart from one it does not.
    var countedState: String {
        state.rawValue.replacingOccurrences(of: "_", with: " ") + (retryToCome ? " (retry to come)" : "")
    }
}
