// `monkpipe submit --slurm`: writes the batch scripts under the workspace and submits the load
// job, the experiment array (afterok on load) and the comparison (afterok on the array).
import Foundation

public struct SlurmSubmitter {
    public let runner: PipelineRunner
    public let commands: ClusterCommands
    public let options: SlurmOptions
    let environment: [String: String]

    public init(runner: PipelineRunner, commands: ClusterCommands, options: SlurmOptions,
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.runner = runner
        self.commands = commands
        self.options = options
        self.environment = environment
    }

    public enum Outcome: Sendable {
        /// Every stage is cached: nothing was written or submitted.
        case nothingToRun
        /// The scripts were written; the sbatch commands are those that would run.
        case dryRun(SlurmSubmission)
        case submitted(SlurmSubmission)
    }

    public var directory: ClusterDirectory {
        ClusterDirectory(workspace: runner.workspace, project: runner.plan.project)
    }

    public func submit(dryRun: Bool) throws -> Outcome {
        let work = try runner.clusterWork()
        if !work.blocked.isEmpty {
            throw PipelineError.invalid("cannot submit: " + work.blocked.map { "\($0.experiment): \($0.reason)" }.joined(separator: "; "))
        }
        if work.isEmpty { return .nothingToRun }
        let sbatch = ExternalTool("sbatch", environment: environment)
        if !dryRun {
            guard sbatch != nil else { throw PipelineError.invalid("sbatch is not installed here: submit from a Slurm login node, or use --dry-run to write the scripts only") }
            try refuseIfActive(work)
        }
        let dir = try directory.newSubmissionDirectory(under: dryRun ? directory.slurm.appendingPathComponent(".dry-run") : directory.slurm)
        let logs = dir.appendingPathComponent("logs", isDirectory: true)
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let scripts = SlurmBatchScripts.make(work: work, project: runner.plan.project, commands: commands, options: options, logs: logs)
        for s in scripts {
            let url = dir.appendingPathComponent(s.fileName)
            try Data(s.text.utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        var record = SlurmSubmission(submitted: ISO8601DateFormatter().string(from: Date()), spec: commands.spec,
                                     directory: dir.path, experiments: work.experiments, commands: [])
        var submitted: [String] = []
        do {
            for s in scripts {
                // What this job waits for: the previous job of the chain, when there is one.
                let after = s.role == .experiments ? record.loadJob : s.role == .compare ? (record.arrayJob ?? record.loadJob) : nil
                var args = ["--parsable"]
                if let a = after ?? (dryRun ? previousPlaceholder(s.role, scripts) : nil) {
                    // A failed upstream job cancels this one instead of leaving it pending forever.
                    args += ["--dependency=afterok:\(a)", "--kill-on-invalid-dep=yes"]
                }
                args += options.extra + [dir.appendingPathComponent(s.fileName).path]
                record.commands.append(["sbatch"] + args)
                guard !dryRun, let sbatch else { continue }
                let id = try Self.jobID(sbatch.check(args))
                submitted.append(id)
                switch s.role {
                case .load: record.loadJob = id
                case .experiments: record.arrayJob = id
                case .compare: record.compareJob = id
                }
            }
        } catch {
            // Leave no half chain behind: its jobs would wait on ids the record never names.
            if !submitted.isEmpty, let scancel = ExternalTool("scancel", environment: environment) {
                _ = try? scancel.run(submitted)
            }
            throw error
        }
        try record.write()
        return dryRun ? .dryRun(record) : .submitted(record)
    }

    /// In a dry run the upstream job has no id yet; the printed command names its role.
    func previousPlaceholder(_ role: ClusterJobRole, _ scripts: [SlurmBatchScript]) -> String? {
        let roles = scripts.map(\.role)
        switch role {
        case .load: return nil
        case .experiments: return roles.contains(.load) ? "<load job>" : nil
        case .compare: return roles.contains(.experiments) ? "<experiments job>" : roles.contains(.load) ? "<load job>" : nil
        }
    }

    /// Two submissions must not run the same experiment at once (the experiment lock would
    /// fail the second one's task): refuse while an earlier submission's job is still queued
    /// or running for something this one would run.
    func refuseIfActive(_ work: ClusterWork) throws {
        guard let queue = SlurmQueue(environment: environment) else { return }
        for old in directory.slurmSubmissions() {
            let states = try queue.states(of: old.jobs)
            var busy: [String] = []
            for e in work.experiments {
                if let t = old.task(of: e), states[t]?.isActive == true { busy.append("\(e) (job \(t), \(states[t]!.state.lowercased()))") }
            }
            if let j = old.loadJob, states[j]?.isActive == true, work.load { busy.append("the load stage (job \(j))") }
            if let j = old.compareJob, states[j]?.isActive == true, work.compare { busy.append("the comparison (job \(j))") }
            if !busy.isEmpty {
                throw PipelineError.invalid("already queued or running from the submission in \(old.directory): "
                    + busy.joined(separator: ", ") + "; wait for it (monkpipe status) or cancel it (scancel \(old.jobs.joined(separator: " "))) first")
            }
        }
    }

    /// `sbatch --parsable` prints `<id>` or `<id>;<cluster>`.
    static func jobID(_ output: String) throws -> String {
        let first = output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        let id = String(first.split(separator: ";").first ?? "").trimmingCharacters(in: .whitespaces)
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw PipelineError.invalid("sbatch printed no job id: \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return id
    }
}
