// `monkpipe submit --kubernetes`: writes the Jobs' manifests under the workspace and, when
// kubectl is installed, applies them.
import Foundation

public struct KubernetesSubmitter {
    public let runner: PipelineRunner
    public let commands: ClusterCommands
    public let options: KubernetesOptions
    let environment: [String: String]

    public init(runner: PipelineRunner, commands: ClusterCommands, options: KubernetesOptions,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.runner = runner
        self.commands = commands
        self.options = options
        self.environment = environment
    }

    public enum Outcome: Sendable {
        case nothingToRun
        /// Written only: a dry run, or kubectl is not installed here.
        case written(manifest: URL, jobs: [String], kubectlMissing: Bool)
        /// Written and applied; kubectl's own report.
        case applied(manifest: URL, jobs: [String], kubectl: String)
    }

    public func submit(dryRun: Bool) throws -> Outcome {
        let work = try runner.clusterWork()
        if !work.blocked.isEmpty {
            throw PipelineError.invalid("cannot submit: " + work.blocked.map { "\($0.experiment): \($0.reason)" }.joined(separator: "; "))
        }
        if work.experiments.isEmpty && !work.compare { return .nothingToRun }
        let (base, jobs) = try KubernetesManifests.jobs(plan: runner.plan, experiments: work.experiments, commands: commands, options: options)
        let text = try Self.yaml(jobs)
        let dir = ClusterDirectory(workspace: runner.workspace, project: runner.plan.project).kubernetes
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("\(base).yaml")
        try Data(text.utf8).write(to: url)
        let names = jobs.compactMap(\.metadata.name)
        if dryRun { return .written(manifest: url, jobs: names, kubectlMissing: false) }
        guard let kubectl = ExternalTool("kubectl", environment: environment) else {
            return .written(manifest: url, jobs: names, kubectlMissing: true)
        }
        // Queued from now on, whatever an earlier submission's last pod left (a failure the new
        // comparison would otherwise fail on before the new pods start). Written before the
        // Jobs exist, so that no pod's record can come first; undone when kubectl fails or
        // finds the experiments Job there already (`unchanged`: no new pod comes).
        let experiments = work.experiments.map { ExperimentPaths(workspace: runner.workspace, project: runner.plan.project, experiment: $0) }
        let job = "\(base)-experiments"
        let earlier = try SchedulerAttempt.submitted(experiments, job: job, retries: options.retries)
        let report: String
        do {
            report = try kubectl.check(["apply", "-f", url.path])
        } catch {
            SchedulerAttempt.withdraw(earlier, job: job)
            throw error
        }
        if report.contains("job.batch/\(job) unchanged") { SchedulerAttempt.withdraw(earlier, job: job) }
        return .applied(manifest: url, jobs: names, kubectl: report)
    }

    /// The Jobs as one YAML stream, a document each, every document written in JSON (which is
    /// YAML too: kubectl, kubernetes-validate and PyYAML read it), so no YAML emitter is needed.
    public static func yaml(_ jobs: [Kube.Job]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        var text = "# Written by `monkpipe submit --kubernetes`: one Indexed Job with a completion per experiment,\n"
            + "# then a Job that waits for them and writes the comparison. Apply with `kubectl apply -f`.\n"
        for job in jobs {
            text += "---\n" + String(decoding: try encoder.encode(job), as: UTF8.self) + "\n"
        }
        return text
    }
}
