// Puts together what `monkpipe status` shows: cache decisions (finished for the current
// spec?), experiment states and checkpoints, locks held, and the Slurm queue when there is one.
import Foundation
import MonkEngine
import MonkReport

extension PipelineRunner {
    /// The state of every experiment and of the comparison. An experiment is finished when
    /// its last stage is cached: its test, or its training where the plan has no test set;
    /// it is unreadable, whatever the cache says, when its experiment-state.json is.
    /// Without readable data (no decisions) its state file says so (tested, or trained), if
    /// the settings it records are the spec's (`recordsThisSpec`).
    public func sweepStatus() -> SweepStatus {
        let decisions = currentDecisions()
        let submissions = ClusterDirectory(workspace: workspace, project: plan.project).slurmSubmissions()
        var jobStates: [String: SlurmJobState] = [:]
        var queueError: String?
        if !submissions.isEmpty, let queue = SlurmQueue(environment: options.environment) {
            do { jobStates = try queue.states(of: submissions.flatMap(\.jobs)) } catch { queueError = FileSystemError.text(error) }
        }
        let experiments = plan.experiments.map {
            experimentStatus($0, decisions: decisions, submissions: submissions, jobStates: jobStates)
        }

        var comparison = ComparisonStatus(state: .notWritten)
        let report = layout.comparison.report
        let others = layout.comparisonOfOtherProjects
        if !others.isEmpty {
            comparison.state = .otherProject
            comparison.report = report.path
            comparison.otherProjects = others
        } else if let v = decisions.first(where: { $0.stage.kind == .compare })?.verdict, v.isCached {
            comparison.state = .written
            comparison.report = report.path
        } else if let sub = submissions.first(where: { $0.compareJob != nil }), let id = sub.compareJob {
            comparison.job = id
            let js = jobStates[id]
            comparison.jobState = js?.description
            comparison.log = sub.log(of: .compare)?.path
            if js?.isPending == true { comparison.state = .queued }
            else if js?.isRunning == true { comparison.state = .running }
            else if js?.state == "CANCELLED" { comparison.state = .cancelled }
            else if js?.isFailed == true { comparison.state = .failed }
        }
        // Without the data, a report is this spec's at most when every experiment it compares is.
        let compared = experiments.filter { plan.comparison.experiments.contains($0.experiment) }
        if comparison.state == .notWritten, decisions.isEmpty, compared.allSatisfy({ $0.state == .finished }),
           FileManager.default.fileExists(atPath: report.path) {
            comparison.state = .written
            comparison.report = report.path
        }
        if comparison.state == .failed, let log = comparison.log, FileManager.default.fileExists(atPath: log) {
            comparison.logTail = Self.lastLines(of: URL(fileURLWithPath: log), count: 12)
        }
        var load: LoadJobStatus?
        if let sub = submissions.first, let id = sub.loadJob, let js = jobStates[id] {
            let state: LoadJobStatus.State = js.isPending ? .queued : js.isRunning ? .running : js.state == "COMPLETED" ? .done : .failed
            let log = sub.log(of: .load).flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }
            load = LoadJobStatus(state: state, job: id, jobState: js.description, log: log?.path,
                                 logTail: state == .failed ? log.flatMap { Self.lastLines(of: $0, count: 12) } : nil)
        }
        return SweepStatus(project: plan.project, load: load, experiments: experiments, comparison: comparison, queueError: queueError)
    }

    /// The cache decisions for the spec as it stands, or none where the data cannot be read.
    func currentDecisions() -> [StageDecision] {
        (try? decisions(plannedStages().stages)) ?? []
    }

    /// Each experiment's state from the workspace alone (stage records, states, checkpoints,
    /// locks), without asking a scheduler: the one rule by which `status` and `show` say
    /// whether an experiment is finished, trained with its test not run, failed or unreadable.
    public func experimentStatuses() -> [ExperimentStatus] {
        experimentStatusesAndStates().map(\.status)
    }

    /// `experimentStatuses`, each with the experiment-state.json it was decided on, read once:
    /// `show` takes its rows and its warnings from that read. A finished experiment whose state
    /// is not there (`stateMissing`) has in `restored` what a run will write again from its
    /// cached stages (`ExperimentStates.standIn`), the source of status's accuracy too.
    func experimentStatusesAndStates() -> [(status: ExperimentStatus, stored: StoredState, restored: ExperimentState?)] {
        let decisions = currentDecisions()
        return plan.experiments.map { e in
            let stored = ExperimentState.readForStatus(layout.experiment(e.name).state)
            let status = experimentStatus(e, decisions: decisions, submissions: [], jobStates: [:], stored: stored)
            let trainKey = decisions.first { $0.stage.identity == "train/\(e.name)" }?.stage.key
            let restored = status.stateMissing == true ? trainKey.map { ExperimentStates(plan: plan, layout: layout).standIn(e, trainKey: $0) } : nil
            return (status, stored, restored)
        }
    }

    /// An experiment-state.json as `ExperimentState.readForStatus` read it.
    typealias StoredState = (state: ExperimentState?, unreadable: String?)

    /// One experiment's state: `decisions` for the spec (empty without readable data), and the
    /// Slurm submissions with their jobs' states where the scheduler was asked.
    func experimentStatus(_ e: ExperimentPlan, decisions: [StageDecision], submissions: [SlurmSubmission],
                          jobStates: [String: SlurmJobState], stored: StoredState? = nil) -> ExperimentStatus {
        func decision(_ identity: String) -> StageDecision? { decisions.first { $0.stage.identity == identity } }
        func verdict(_ identity: String) -> StageDecision.Verdict? { decision(identity)?.verdict }
        let paths = ExperimentPaths(workspace: workspace, project: plan.project, experiment: e.name)
        // A state that is there but cannot be read is said, not taken for none (nor for a
        // finished experiment whose stages are cached: what reads the state fails on it).
        let (state, unreadable) = stored ?? ExperimentState.readForStatus(paths.state)
        let submission = submissions.first { $0.task(of: e.name) != nil }
        let task = submission?.task(of: e.name)
        let job = task.flatMap { jobStates[$0] }
        let resume = try? SnapshotArchive.decodeHeader(ResumePoint.self, at: paths.models.appendingPathComponent("resume.monksnap"))
        // Whether what the workspace recorded under `key` for the stage `identity` (a resume
        // point, a failure) is this spec's: the plan gives the stage that key, or, without the
        // data to plan keys on, the state records the spec's settings for it.
        func isCurrent(_ identity: String, key: String) -> Bool {
            if !decisions.isEmpty { return decisions.contains { $0.stage.identity == identity && $0.stage.key.hex == key } }
            return state.map { recordsThisSpec($0, e, last: identity) } == true
        }
        // A checkpoint of other settings is not resumed: it says nothing about this spec.
        let point = resume.flatMap { isCurrent("train/\(e.name)", key: $0.stageKey) ? $0 : nil }

        var s = ExperimentStatus(experiment: e.name, state: .notStarted)
        s.job = task
        s.jobState = job?.description
        s.epochs = e.epochs
        s.epochsDone = point?.epoch

        s.testStage = plan.hasTestStages
        let last = s.testStage ? "test/\(e.name)" : "train/\(e.name)"
        let finished: Bool
        if let v = verdict(last) { finished = v.isCached }
        else if let state, state.status == .tested || (!s.testStage && state.status == .trained) {
            finished = recordsThisSpec(state, e, last: last)
        } else { finished = false }
        // Its training has ended when its stage is cached, or when the resume point says so
        // (early stopping ends it before its last epoch).
        s.trained = finished || verdict("train/\(e.name)")?.isCached == true || point?.stopped != nil
        let holder = RunLock.holder(at: paths.lock)
        // The attempt of a retrying scheduler (a Kubernetes pod) that ran the experiment last,
        // if it ran this spec's stages, and its process while it lives (loading the data,
        // between stages: its lock is held from the start of the run to its end, or death).
        let attempt = SchedulerAttempt.read(paths).flatMap { a in
            (a.stageKeys ?? [:]).allSatisfy { isCurrent($0.key, key: $0.value) } ? a : nil
        }
        let attemptHolder = RunLock.holder(at: paths.attemptLock)
        // A train stage whose record or outputs are damaged: plan says CANNOT RUN and run fails
        // on it until --force train/NAME (a stage blocked for another reason is not damage).
        let damaged = decision("train/\(e.name)").flatMap { d -> String? in
            guard d.stage.blockedBy == nil, case .cannotRun(let why) = d.verdict else { return nil }
            return why
        }
        let held = job?.isRunning == true || holder != nil || attemptHolder != nil
        if let why = unreadable {
            s.state = .unreadable
            s.error = why
        } else if let why = damaged, !held {
            // Not finished, whatever its test's record says, nor "trained": a run fails on it,
            // and what infer and export load may be the damaged file. The words are run's.
            s.state = .unreadable
            s.damagedStage = "train/\(e.name)"
            s.error = "train/\(e.name) cannot run: \(why)"
            s.trained = false
        } else if finished {
            s.state = .finished
            // Finished with no state (deleted) is finished by the cache alone: its test's
            // checksummed metrics give the accuracy, and the row says the state is missing
            // (`run` writes it again; `show` has no training to give without it).
            if state == nil { s.stateMissing = true }
            if s.testStage {
                let test = state?.test ?? (state == nil ? ExperimentStates(plan: plan, layout: layout).testSummary(e) : nil)
                s.testAccuracy = test?.accuracy
                s.checkpoint = test?.checkpoint
            } else {
                // Test results a state may keep from a spec that had a test set are not this plan's.
                // The validation accuracy is the kept checkpoint's, as show and the report give it.
                let history = try? JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: paths.historyJSON))
                let kept = state?.keptCheckpoint(history: history ?? [])
                s.validationAccuracy = kept?.valAccuracy
                s.keptEpoch = kept?.epoch
            }
            s.epochsDone = state?.training?.epochsRun
            s.job = nil; s.jobState = nil
        } else if held {
            s.state = .running
            s.process = (holder ?? attemptHolder).map { "\($0.pid)@\($0.host)" }
        } else if job?.isPending == true {
            s.state = .queued
        } else if let a = attempt, !a.isStarted {
            // Submitted to Kubernetes, and no pod of it has started yet: what the state says
            // is of an earlier run.
            s.state = .queued
            s.job = a.job
            s.jobState = "no pod started yet"
        } else if let state, state.status == .failed,
                  state.failedStage.map({ isCurrent("\($0.kind.rawValue)/\(e.name)", key: $0.key) }) ?? true {
            // A failure of other settings (a test of another key) is not this spec's; a state
            // of an older monkpipe does not name the stage and is taken at its word.
            s.state = .failed
            s.error = state.error
        } else if let j = job, j.isFailed, j.reason == "DependencyNeverSatisfied" {
            s.state = .notStarted
        } else if let j = job, j.isFailed, point == nil {
            s.state = .failed
        } else if let p = point {
            s.state = .interrupted
            s.batch = p.batch
        } else if s.trained {
            s.state = .interrupted
            s.epochsDone = state?.training?.epochsRun ?? e.epochs
        }
        // The scheduler's attempt has ended without finishing the experiment. While it has
        // retries left, it runs the experiment again: a failure is not final, and a run killed
        // before it could write its state (out of memory, node lost) is not over. After its
        // last attempt the experiment has failed for good, whether that attempt failed or was
        // killed (else `status --wait` would wait for a retry that never comes).
        if let a = attempt, a.isStarted, attemptHolder == nil, [.failed, .interrupted, .notStarted].contains(s.state) {
            s.attempt = a.number
            s.attempts = a.limit
            if a.isRetried {
                s.retryToCome = true
            } else if s.state != .failed {
                s.state = .failed
                s.error = "its last attempt (pod \(a.host ?? "?")) ended without finishing: killed (out of memory, node lost) "
                    + "or stopped at its time limit" + (point != nil || s.trained ? "; submit again to resume" : "")
            }
        }
        // A training of other settings on disk (its state records another train key) while
        // the spec's has not ended: `show` withholds its numbers, `status` says why.
        if !s.trained, s.state != .unreadable, let key = state?.stageKeys[StageKind.train.rawValue],
           !isCurrent("train/\(e.name)", key: key) {
            s.trainingOfOtherSettings = true
        }
        if s.state == .failed, let log = submission?.log(of: e.name), FileManager.default.fileExists(atPath: log.path) {
            s.log = log.path
            s.logTail = Self.lastLines(of: log, count: 12)
        }
        return s
    }

    /// Whether the settings `state` records give the experiment's stage `last` the key the
    /// spec gives it, both planned on the same data: without the data the keys cannot be
    /// looked up, but a state of an older spec (other epochs, input size, transforms …) must not
    /// pass for this one's. What stays out of the keys (threads, workers, paths) does not count.
    /// The data's content is unknown here, and taken to be what the state's run read.
    func recordsThisSpec(_ state: ExperimentState, _ e: ExperimentPlan, last: String) -> Bool {
        let unread = ExternalDigests(dataFiles: "not read", weights: [:])
        func key(_ data: DataPlan, _ experiment: ExperimentPlan) -> StageKey? {
            var p = plan
            p.data = data
            p.experiments = [experiment]
            return StageGraph.build(p, external: unread).first { $0.identity == last }?.key
        }
        var recorded = state.config
        recorded.name = e.name
        let then = key(state.data, recorded)
        return then != nil && then == key(plan.data, e)
    }

    /// The last `count` non-empty lines of a log file (progress bars redraw with `\r`: only
    /// the last drawing of each line is kept).
    static func lastLines(of url: URL, count: Int) -> [String]? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        let window: UInt64 = 64 * 1024
        try? handle.seek(toOffset: size > window ? size - window : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        let lines = text.split(separator: "\n").compactMap { line -> String? in
            let last = line.split(separator: "\r").last.map(String.init) ?? ""
            let clean = last.replacingOccurrences(of: "\u{1B}[2K", with: "").trimmingCharacters(in: .whitespaces)
            return clean.isEmpty ? nil : clean
        }
        return Array(lines.suffix(count))
    }
}
