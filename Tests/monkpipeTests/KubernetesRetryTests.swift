// The comparison Job of `monkpipe submit --kubernetes` waits (`status --wait`, its init
// container) while the experiments Job retries a pod that failed or was killed, and fails
// only once an experiment has failed for good. The experiment pods' commands run here as real
// processes with the environment the manifest gives them, the index's failure count filled in
// as the Job controller's annotation would be; there is no cluster.
import Foundation
import Testing

@Suite("monkpipe submit --kubernetes: retried experiments")
struct KubernetesRetryTests {
    /// The pods of a manifest, run here: the containers' commands with `monkpipe` on PATH, the
    /// working directory at the mount path and the container's environment as the kubelet
    /// sets it: values as written, the index's failure count for the downward API's
    /// `batch.kubernetes.io/job-index-failure-count` annotation.
    struct Pods {
        let path: String
        let indexed: [String: Any]
        let comparison: [String: Any]
        /// Experiment name → completion index, from the Job's annotation.
        let index: [String: Int]

        init(_ project: TinyProject) throws {
            let pythonPath = try KubernetesSubmitTests.validator()
            let r = try monkpipe(["submit", project.spec, "--kubernetes", "--image", "registry.example.org/monkpipe:1.0",
                                  "--workspace-claim", "monkpipe-workspace", "--dry-run", "--json"], in: project.url)
            try #require(r.status == 0, "\(r)")
            let manifest = try #require((try parseJSON(r.stdout) as? [String: Any])?["manifest"] as? String)
            // The API's own schemas, strict, with the downward API's annotation field in the env.
            for version in ["1.33.0", "1.37.0"] {
                let v = try KubernetesSubmitTests.python(["-m", "kubernetes_validate", "--strict", "-k", version, manifest], pythonPath: pythonPath)
                #expect(v.status == 0, "kubernetes-validate \(version):\n\(v.stdout)\(v.stderr)")
            }
            let docs = try KubernetesSubmitTests.documents(manifest, pythonPath: pythonPath)
            try #require(docs.count == 2)
            indexed = docs[0]
            comparison = docs[1]
            let names = try #require(((indexed["metadata"] as? [String: Any])?["annotations"] as? [String: String])?["monkpipe.dev/experiments"])
            index = Dictionary(uniqueKeysWithValues: names.split(separator: ",").map {
                let pair = $0.split(separator: "=")
                return (String(pair[1]), Int(pair[0])!)
            })
            let bin = project.dir.path("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("monkpipe"), withDestinationURL: TestEnvironment.binary())
            path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        }

        var experimentContainer: [String: Any] { get throws { try KubernetesSubmitTests.container(indexed, "containers") } }

        /// The environment the kubelet gives `container` in a pod whose index failed `failures` times.
        static func environment(_ container: [String: Any], failures: Int) throws -> [String: String] {
            var env: [String: String] = [:]
            for v in container["env"] as? [[String: Any]] ?? [] {
                let name = try #require(v["name"] as? String)
                if let value = v["value"] as? String { env[name] = value; continue }
                let from = try #require(v["valueFrom"] as? [String: Any])
                if from["resourceFieldRef"] != nil { continue }  // MONKPIPE_THREADS: set to 1 below
                let path = try #require((from["fieldRef"] as? [String: Any])?["fieldPath"] as? String)
                try #require(path == "metadata.annotations['batch.kubernetes.io/job-index-failure-count']", "\(path)")
                env[name] = "\(failures)"
            }
            return env
        }

        /// Starts the pod of `experiment` after its index failed `failures` times.
        func startExperiment(_ experiment: String, failures: Int) throws -> RunningCommand {
            let c = try experimentContainer
            var env = try Self.environment(c, failures: failures)
            env["JOB_COMPLETION_INDEX"] = "\(try #require(index[experiment]))"
            return try start(c, env)
        }

        func runExperiment(_ experiment: String, failures: Int) throws -> CommandResult {
            try startExperiment(experiment, failures: failures).wait(timeout: 120)
        }

        /// Starts the comparison pod's init container: `monkpipe status SPEC --wait --quiet`.
        func startWait() throws -> RunningCommand {
            try start(try KubernetesSubmitTests.container(comparison, "initContainers"), [:])
        }

        func runCompare() throws -> CommandResult {
            try start(try KubernetesSubmitTests.container(comparison, "containers"), [:]).wait(timeout: 120)
        }

        private func start(_ c: [String: Any], _ env: [String: String]) throws -> RunningCommand {
            let command = try #require(c["command"] as? [String])
            var environment = env
            environment["PATH"] = path
            environment["MONKPIPE_THREADS"] = "1"
            return try RunningCommand(["-C", c["workingDir"] as? String ?? "/"] + command, in: URL(fileURLWithPath: c["workingDir"] as? String ?? "/"),
                                      environment: environment, executable: URL(fileURLWithPath: "/usr/bin/env"))
        }
    }

    /// `status --json`'s row of `experiment`.
    static func row(_ project: TinyProject, _ experiment: String) throws -> [String: Any] {
        let r = try monkpipe(["status", project.spec, "--json"], in: project.url)
        let json = try #require(try parseJSON(r.stdout) as? [String: Any], "\(r)")
        return try #require((json["experiments"] as? [[String: Any]])?.first { $0["experiment"] as? String == experiment })
    }

    /// `status --wait` still waits after `seconds` (the comparison pod is not failed); then it is ended.
    static func expectStillWaiting(_ waiting: RunningCommand, seconds: Double = 3, _ comment: @autoclosure () -> String) {
        Thread.sleep(forTimeInterval: seconds)
        let running = waiting.process.isRunning
        if running { kill(waiting.process.processIdentifier, SIGKILL) }
        let ended = waiting.wait(timeout: 30)
        #expect(running, "status --wait ended while a retry was to come (\(comment())): \(ended)")
    }

    static let diverging = (from: "lr: 0.05", to: "lr: 1e300")

    /// An experiment's pod fails with status 1 (its training diverges): the Job retries the
    /// index, so the comparison's wait goes on and status says that a retry is to come. The
    /// retry succeeds and the wait ends with 0; the comparison is written.
    @Test func aFailureThatIsRetriedKeepsTheComparisonWaiting() throws {
        let project = try TinyProject("kubernetes-retry", perClass: 6, testPerClass: 2, epochs: 1, size: 16)
        defer { project.cleanUp() }
        let pods = try Pods(project)

        // What the experiment pods are given: the failures of their index (downward API) and the retries.
        let env = try #require(try pods.experimentContainer["env"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: env.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["MONKPIPE_RETRIES"]?["value"] as? String == "3")
        #expect(((byName["MONKPIPE_FAILURES"]?["valueFrom"] as? [String: Any])?["fieldRef"] as? [String: Any])?["fieldPath"] as? String
                == "metadata.annotations['batch.kubernetes.io/job-index-failure-count']", "\(env)")
        #expect((pods.indexed["spec"] as? [String: Any])?["backoffLimitPerIndex"] as? Int == 3)

        // sgd's first pod fails (exit 1: retried, no FailIndex rule for it).
        let spec = try String(contentsOf: project.dir.path(project.spec), encoding: .utf8)
        try project.dir.write(spec.replacingOccurrences(of: Self.diverging.from, with: Self.diverging.to), to: project.spec)
        let failed = try pods.runExperiment("sgd", failures: 0)
        #expect(failed.status == 1 && failed.stderr.contains("diverged"), "\(failed)")

        let row = try Self.row(project, "sgd")
        #expect(row["state"] as? String == "failed" && row["retry_to_come"] as? Bool == true, "\(row)")
        #expect(row["attempt"] as? Int == 1 && row["attempts"] as? Int == 4, "\(row)")
        let table = try monkpipe(["status", project.spec], in: project.url)
        #expect(table.stdout.contains("retry 1 of 3 to come"), "\(table)")
        #expect(table.stdout.contains("diverged"), "\(table)")

        // The comparison's init container, as the manifest runs it, does not fail on it.
        Self.expectStillWaiting(try pods.startWait(), "sgd failed on its first attempt")
        try project.dir.write(spec, to: project.spec)

        // adam's pod succeeds; sgd's second pod (one failure so far) succeeds too, the cause of
        // the failure gone (as a faulty node is left behind).
        let adam = try pods.runExperiment("adam", failures: 0)
        #expect(adam.status == 0, "\(adam)")
        let retried = try pods.runExperiment("sgd", failures: 1)
        #expect(retried.status == 0, "\(retried)")
        let done = try Self.row(project, "sgd")
        #expect(done["state"] as? String == "finished" && done["retry_to_come"] as? Bool == false, "\(done)")

        let waited = try pods.startWait().wait(timeout: 60)
        #expect(waited.status == 0, "\(waited)")
        let compared = try pods.runCompare()
        #expect(compared.status == 0, "\(compared)")
        #expect(project.exists("workspace/comparison/cmp/comparison.csv"))
    }

    /// After the last attempt (the fourth pod: three retries) fails, the experiment has failed for
    /// good: the wait ends at once with status 1 (the comparison Job fails). A pod killed
    /// (SIGKILL, as the kernel's out-of-memory killer or a lost node ends it) writes no
    /// failure: before the last attempt status says a retry is to come and the wait goes on;
    /// a killed last attempt is a failure for good, and the wait ends (it waited forever).
    @Test func aKilledOrLastAttemptEndsTheWaitOnlyWhenNoRetryIsLeft() throws {
        let project = try TinyProject("kubernetes-killed", perClass: 6, testPerClass: 2, epochs: 500, size: 16,
                                      experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let pods = try Pods(project)

        // Killed during its training (the pod's monkpipe: `sh -c` execs it).
        @discardableResult func killedDuringTraining(failures: Int) throws -> CommandResult {
            let pod = try pods.startExperiment("sgd", failures: failures)
            let deadline = Date().addingTimeInterval(60)
            // An epoch has ended (from the start, or from where the killed one was saved).
            while pod.process.isRunning && !pod.stdoutSoFar.contains("| val loss") && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            try #require(pod.process.isRunning, "the pod ended before it could be killed:\n\(pod.wait())")
            // While it runs, status says so (the attempt's lock is held).
            #expect(try Self.row(project, "sgd")["state"] as? String == "running")
            kill(pod.process.processIdentifier, SIGKILL)
            let killed = pod.wait(timeout: 30)
            #expect(killed.status == SIGKILL, "\(killed)")
            return killed
        }
        try killedDuringTraining(failures: 0)
        let row = try Self.row(project, "sgd")
        #expect(row["state"] as? String != "failed" && row["retry_to_come"] as? Bool == true, "\(row)")
        #expect(row["attempt"] as? Int == 1 && row["attempts"] as? Int == 4, "\(row)")
        let table = try monkpipe(["status", project.spec], in: project.url)
        #expect(table.stdout.contains("retry 1 of 3 to come") && !table.stdout.contains("run or submit again"), "\(table)")
        Self.expectStillWaiting(try pods.startWait(), "sgd's first pod was killed")

        // The last attempt (three failures so far) is killed too: no retry follows.
        let lastPod = try killedDuringTraining(failures: 3)
        let last = try Self.row(project, "sgd")
        #expect(last["state"] as? String == "failed" && last["retry_to_come"] as? Bool == false, "\(last)")
        // The pod's name: its host name, which its script prints first.
        let pod = try #require(lastPod.stdout.firstMatch(of: #/monkpipe: experiment sgd, pod (\S+)/#)?.1, "\(lastPod)")
        #expect((last["error"] as? String)?.hasPrefix("its last attempt (pod \(pod)) ended without finishing") == true, "\(last)")
        let ended = try pods.startWait().wait(timeout: 30)
        #expect(ended.status == 1, "\(ended)")
        #expect(ended.stdout.contains("attempt 4 of 4, no retry left"), "\(ended)")

        // The spec changed since (another learning rate): the attempt was of other settings,
        // and this spec's sgd has not started.
        let spec = try String(contentsOf: project.dir.path(project.spec), encoding: .utf8)
        try project.dir.write(spec.replacingOccurrences(of: "lr: 0.05", with: "lr: 0.04"), to: project.spec)
        let changed = try Self.row(project, "sgd")
        #expect(changed["state"] as? String == "not_started" && changed["attempt"] == nil, "\(changed)")

        // A last attempt that fails with status 1 ends the wait at once as well.
        try project.dir.write(spec.replacingOccurrences(of: Self.diverging.from, with: Self.diverging.to), to: project.spec)
        let failed = try pods.runExperiment("sgd", failures: 3)
        #expect(failed.status == 1 && failed.stderr.contains("diverged"), "\(failed)")
        let waited = try pods.startWait().wait(timeout: 30)
        #expect(waited.status == 1 && waited.stdout.contains("diverged"), "\(waited)")
        #expect(!waited.stdout.contains("to come"), "\(waited)")

        // A run outside Kubernetes takes the experiment over: stopped (Ctrl-C), it is
        // interrupted, not a failure of the pods' last attempt.
        try project.dir.write(spec, to: project.spec)
        let local = try RunningCommand(["run", project.spec, "--experiment", "sgd"], in: project.url)
        let deadline = Date().addingTimeInterval(60)
        while local.process.isRunning && !local.stdoutSoFar.contains("| val loss") && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        try #require(local.process.isRunning, "the run ended before it could be stopped:\n\(local.wait())")
        kill(local.process.processIdentifier, SIGINT)
        let stopped = local.wait(timeout: 60)
        #expect(stopped.status == 130, "\(stopped)")
        let after = try Self.row(project, "sgd")
        #expect(after["state"] as? String == "interrupted" && after["attempt"] == nil, "\(after)")
    }

    /// A submission after an experiment failed for good: until a pod of the new Jobs starts,
    /// the experiment is queued, and the new comparison waits instead of failing on the old
    /// failure. `submit` records that before it applies the Jobs (kubectl, faked here), and
    /// takes it back when kubectl finds the Jobs there already (nothing new runs then).
    @Test func aResubmittedExperimentIsQueuedUntilItsPodStarts() throws {
        let project = try TinyProject("kubernetes-resubmit", perClass: 6, testPerClass: 2, epochs: 1, size: 16,
                                      experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let pods = try Pods(project)
        // The last attempt fails (a folder where the training writes its best weights), and
        // the experiment has failed for good.
        let blocker = project.experiment("sgd").appendingPathComponent("output/models/best.safetensors")
        try FileManager.default.createDirectory(at: blocker.appendingPathComponent("x"), withIntermediateDirectories: true)
        let failed = try pods.runExperiment("sgd", failures: 3)
        #expect(failed.status == 1 && failed.stderr.contains("best.safetensors"), "\(failed)")
        let given = try Self.row(project, "sgd")
        #expect(given["state"] as? String == "failed" && given["retry_to_come"] as? Bool == false, "\(given)")
        let over = try pods.startWait().wait(timeout: 30)
        #expect(over.status == 1, "\(over)")

        // The cause removed, the sweep is submitted again; kubectl (faked) says what it did.
        try FileManager.default.removeItem(at: blocker)
        let dry = try monkpipe(["submit", project.spec, "--kubernetes", "--image", "registry.example.org/monkpipe:1.0",
                                "--workspace-claim", "monkpipe-workspace", "--dry-run", "--json"], in: project.url)
        let jobs = try #require((try parseJSON(dry.stdout) as? [String: Any])?["jobs"] as? [String], "\(dry)")
        try #require(jobs.count == 2 && jobs[0].hasSuffix("-experiments"), "\(jobs)")
        let fake = project.dir.path("fake-kubectl")
        try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
        let kubectl = fake.appendingPathComponent("kubectl")
        try Data("#!/bin/sh\nprintf '%s\\n' \"$FAKE_KUBECTL_SAYS\"\n".utf8).write(to: kubectl)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: kubectl.path)
        func submit(_ says: String) throws -> CommandResult {
            try monkpipe(["submit", project.spec, "--kubernetes", "--image", "registry.example.org/monkpipe:1.0",
                          "--workspace-claim", "monkpipe-workspace"], in: project.url,
                         environment: ["PATH": fake.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                                       "FAKE_KUBECTL_SAYS": says])
        }

        // The Jobs were there already: nothing new runs, and the failure stands.
        let unchanged = try submit(jobs.map { "job.batch/\($0) unchanged" }.joined(separator: "\n"))
        #expect(unchanged.status == 0 && unchanged.stdout.contains("unchanged"), "\(unchanged)")
        #expect(try Self.row(project, "sgd")["state"] as? String == "failed")

        let created = try submit(jobs.map { "job.batch/\($0) created" }.joined(separator: "\n"))
        #expect(created.status == 0 && created.stdout.contains("created"), "\(created)")
        let queued = try Self.row(project, "sgd")
        #expect(queued["state"] as? String == "queued" && queued["job"] as? String == jobs[0], "\(queued)")
        let table = try monkpipe(["status", project.spec], in: project.url)
        #expect(table.stdout.contains("sgd         queued       job \(jobs[0]) (no pod started yet)"), "\(table)")
        Self.expectStillWaiting(try pods.startWait(), "sgd was submitted again")

        // The new Job's first pod succeeds.
        let ran = try pods.runExperiment("sgd", failures: 0)
        #expect(ran.status == 0, "\(ran)")
        let waited = try pods.startWait().wait(timeout: 60)
        #expect(waited.status == 0, "\(waited)")
    }
}
