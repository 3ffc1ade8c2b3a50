// `monkpipe status --wait`: polls the workspace until every experiment has finished or one
// has failed for good (not one a scheduler retries), or the comparison cannot be written (the
// Kubernetes comparison Job waits this way, Jobs having no dependencies).
import Foundation

extension PipelineRunner {
    /// Returns the first status in which every experiment is finished or the sweep cannot
    /// complete (`SweepStatus.cannotComplete`); `changed` sees each status that differs from
    /// the previous one.
    public func waitForExperiments(interval: Double, changed: (SweepStatus) -> Void = { _ in }) throws -> SweepStatus {
        var last: [String]?
        while true {
            let status = sweepStatus()
            let states = status.experiments.map(\.countedState)
            if states != last { changed(status); last = states }
            if status.allFinished || status.cannotComplete { return status }
            if stop.isRequested { throw StoppedByUser(detail: "stopped waiting") }
            Thread.sleep(forTimeInterval: interval)
        }
    }
}
