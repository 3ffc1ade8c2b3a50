// `monkpipe submit --kubernetes`: the manifests pass the Kubernetes API schemas
// (kubernetes-validate, strict), say what the issue asks (Indexed, one completion per
// experiment, per-index retries, the claim, the requests), and their containers' commands,
// run here with JOB_COMPLETION_INDEX set as Kubernetes would, train every experiment and
// write the comparison. There is no cluster here: nothing is applied.
import Foundation
import Testing

@Suite("monkpipe submit --kubernetes")
struct KubernetesSubmitTests {
    static let experiments = "  sgd: {}\n  adam:\n    optimizer: {type: adam, lr: 0.003}\n  slow:\n    optimizer: {type: sgd, lr: 0.01}\n"

    /// kubernetes-validate: installed by `make test` into .tools/ (or found in the shared
    /// folder's tools/, or importable by python3 already). Returns its PYTHONPATH.
    static func validator() throws -> String? {
        let env = ProcessInfo.processInfo.environment
        var dirs: [URL] = []
        if let d = env["MONKPIPE_KUBERNETES_VALIDATE"], !d.isEmpty { dirs.append(URL(fileURLWithPath: d)) }
        dirs.append(TestEnvironment.repoRoot.appendingPathComponent(".tools/kubernetes-validate"))
        dirs.append(TestEnvironment.sharedDir.appendingPathComponent("tools/kubernetes-validate"))
        for d in dirs where FileManager.default.fileExists(atPath: d.appendingPathComponent("kubernetes_validate").path) { return d.path }
        if try python(["-c", "import kubernetes_validate"], pythonPath: nil).status == 0 { return nil }
        throw ValidatorMissing()
    }

    struct ValidatorMissing: Error, CustomStringConvertible {
        var description: String { "kubernetes-validate is not installed: `make kubernetes-validate` puts it in .tools/ (or set MONKPIPE_KUBERNETES_VALIDATE)" }
    }

    static func python(_ arguments: [String], pythonPath: String?) throws -> (status: Int32, stdout: String, stderr: String) {
        try LocalSlurm.run("/usr/bin/env", ["python3"] + arguments, environment: pythonPath.map { ["PYTHONPATH": $0] } ?? [:])
    }

    /// The manifests as JSON (PyYAML, installed with kubernetes-validate), to check fields.
    static func documents(_ manifest: String, pythonPath: String?) throws -> [[String: Any]] {
        let dump = try python(["-c", "import sys, json, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))", manifest],
                              pythonPath: pythonPath)
        try #require(dump.status == 0, "\(dump.stderr)")
        return try #require(try parseJSON(dump.stdout) as? [[String: Any]])
    }

    /// The first of a Job's pod `list` ("containers", "initContainers").
    static func container(_ job: [String: Any], _ list: String) throws -> [String: Any] {
        try #require(((job["spec"] as? [String: Any])?["template"] as? [String: Any])
            .flatMap { ($0["spec"] as? [String: Any])?[list] as? [[String: Any]] }?.first)
    }

    /// Runs a container's command as the cluster would: `monkpipe` on PATH, the working
    /// directory at the mount path, JOB_COMPLETION_INDEX set for an experiment's pod.
    static func containerRunner(_ project: TinyProject) throws -> ([String: Any], Int?) throws -> (status: Int32, stdout: String, stderr: String) {
        let bin = project.dir.path("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("monkpipe"), withDestinationURL: TestEnvironment.binary())
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return { c, index in
            let command = try #require(c["command"] as? [String])
            var env = ["PATH": path, "MONKPIPE_THREADS": "1"]
            if let i = index { env["JOB_COMPLETION_INDEX"] = "\(i)" }
            return try LocalSlurm.run("/usr/bin/env", ["-C", c["workingDir"] as? String ?? "/"] + command, environment: env)
        }
    }

    /// A Job's podFailurePolicy rules as (action, container or nil for all, exit codes).
    static func failureRules(_ job: [String: Any]) -> [(action: String, container: String?, codes: [Int])] {
        let rules = ((job["spec"] as? [String: Any])?["podFailurePolicy"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        return rules.map { r in
            let on = r["onExitCodes"] as? [String: Any]
            return (r["action"] as? String ?? "", on?["containerName"] as? String, on?["operator"] as? String == "In" ? on?["values"] as? [Int] ?? [] : [])
        }
    }

    @Test func manifestsAreValidAndTheirCommandsRunTheSweep() throws {
        let project = try TinyProject("kubernetes", epochs: 1, experiments: Self.experiments)
        defer { project.cleanUp() }
        let pythonPath = try Self.validator()
        let r = try monkpipe(["submit", project.spec, "--kubernetes", "--image", "registry.example.org/monkpipe:1.0",
                              "--workspace-claim", "monkpipe-workspace", "--cpus-per-task", "2", "--mem", "3G", "--time", "2:00:00",
                              "--dry-run", "--json"], in: project.url)
        try #require(r.status == 0, "\(r)")
        let out = try #require(try parseJSON(r.stdout) as? [String: Any])
        let manifest = try #require(out["manifest"] as? String)
        #expect(out["applied"] as? Bool == false)

        // The API's own schemas, strict (unknown fields rejected), for two Kubernetes versions:
        // backoffLimitPerIndex is beta from 1.29 and GA from 1.33.
        for version in ["1.33.0", "1.37.0"] {
            let v = try Self.python(["-m", "kubernetes_validate", "--strict", "-k", version, manifest], pythonPath: pythonPath)
            #expect(v.status == 0, "kubernetes-validate \(version):\n\(v.stdout)\(v.stderr)")
            let short = version.split(separator: ".").prefix(2).joined(separator: ".")
            for job in ["experiments", "compare"] {
                #expect(v.stdout.contains("passed for resource job/") && v.stdout.contains("-\(job) against version \(short)"), "\(v.stdout)")
            }
        }

        // The check is not vacuous: a misspelt field fails it.
        let broken = project.dir.path("broken.yaml")
        try String(contentsOfFile: manifest, encoding: .utf8).replacingOccurrences(of: "backoffLimitPerIndex", with: "backoffLimitPerIndx")
            .write(to: broken, atomically: true, encoding: .utf8)
        let rejected = try Self.python(["-m", "kubernetes_validate", "--strict", broken.path], pythonPath: pythonPath)
        #expect(rejected.status != 0 && rejected.stdout.contains("'backoffLimitPerIndx' was unexpected"), "\(rejected.stdout)")

        let docs = try Self.documents(manifest, pythonPath: pythonPath)
        try #require(docs.count == 2)
        let indexed = docs[0], comparison = docs[1]
        let spec = try #require(indexed["spec"] as? [String: Any])
        #expect(spec["completionMode"] as? String == "Indexed")
        #expect(spec["completions"] as? Int == 3)
        #expect(spec["backoffLimitPerIndex"] as? Int == 3)
        let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(pod["restartPolicy"] as? String == "Never")
        #expect(pod["activeDeadlineSeconds"] as? Int == 7200)
        let volume = try #require((pod["volumes"] as? [[String: Any]])?.first)
        #expect((volume["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String == "monkpipe-workspace")
        let container = try #require((pod["containers"] as? [[String: Any]])?.first)
        let resources = try #require(container["resources"] as? [String: Any])
        #expect(resources["requests"] as? [String: String] == ["cpu": "2", "memory": "3072Mi"])
        #expect((container["volumeMounts"] as? [[String: Any]])?.first?["mountPath"] as? String == project.url.path)
        let names = ((indexed["metadata"] as? [String: Any])?["annotations"] as? [String: String])?["monkpipe.dev/experiments"]
        #expect(names == "0=adam,1=sgd,2=slow")
        let waiter = try Self.container(comparison, "initContainers")
        let compareContainer = try Self.container(comparison, "containers")

        // Run the pods' commands here, as the cluster would: `monkpipe` on PATH, the working
        // directory at the mount path, JOB_COMPLETION_INDEX set per completion.
        let runContainer = try Self.containerRunner(project)
        for (i, name) in ["adam", "sgd", "slow"].enumerated() {
            let o = try runContainer(container, i)
            #expect(o.status == 0, "\(o.stdout)\(o.stderr)")
            #expect(o.stdout.contains("monkpipe: experiment \(name)"), "\(o.stdout)")
            #expect(project.exists("workspace/tiny/\(name)/output/test/metrics.json"), "index \(i)")
        }
        #expect(try runContainer(container, 3).status == 64)
        let waited = try runContainer(waiter, nil)
        #expect(waited.status == 0, "\(waited.stdout)\(waited.stderr)")
        let compared = try runContainer(compareContainer, nil)
        #expect(compared.status == 0, "\(compared.stdout)\(compared.stderr)")
        #expect(project.exists("workspace/comparison/cmp/comparison.csv"))

        // All done: nothing is left to submit.
        let again = try monkpipe(["submit", project.spec, "--kubernetes", "--image", "x/monkpipe:1", "--workspace-claim", "ws", "--dry-run"], in: project.url)
        #expect(again.status == 0 && again.stdout.contains("nothing to submit"), "\(again)")
    }

    /// Another project's report in the comparison's folder refuses every run of the pipeline:
    /// each pod's command exits 4 at once, and the Jobs fail on it instead of retrying
    /// (`backoffLimitPerIndex`/`backoffLimit` 3: four refusals per experiment and four of the
    /// comparison, each at once). An experiment that fails (exit 1) is still retried.
    @Test func refusedPodsFailTheirJobsAtOnce() throws {
        let project = try TinyProject("kubernetes-refused", perClass: 6, testPerClass: 2, epochs: 1, size: 16, experiments: "  sgd: {}\n  adam:\n    optimizer: {type: adam, lr: 0.003}\n")
        defer { project.cleanUp() }
        let pythonPath = try Self.validator()
        let r = try monkpipe(["submit", project.spec, "--kubernetes", "--image", "registry.example.org/monkpipe:1.0",
                              "--workspace-claim", "monkpipe-workspace", "--dry-run", "--json"], in: project.url)
        try #require(r.status == 0, "\(r)")
        let manifest = try #require((try parseJSON(r.stdout) as? [String: Any])?["manifest"] as? String)
        let docs = try Self.documents(manifest, pythonPath: pythonPath)
        try #require(docs.count == 2)
        let indexed = docs[0], comparison = docs[1]
        let experimentRules = Self.failureRules(indexed), compareRules = Self.failureRules(comparison)
        try #require(experimentRules.count == 1 && compareRules.count == 1)
        #expect(experimentRules[0].action == "FailIndex" && experimentRules[0].container == "experiment")
        #expect(experimentRules[0].codes == [2, 4, 64])
        // No container named: the rule covers the wait (init container) and the comparison.
        #expect(compareRules[0].action == "FailJob" && compareRules[0].container == nil)
        #expect(compareRules[0].codes == [2, 4, 64])
        #expect((comparison["spec"] as? [String: Any])?["backoffLimit"] as? Int == 3)

        // Another project of the workspace writes its report to comparison/cmp first.
        let spec = try String(contentsOf: project.dir.path(project.spec), encoding: .utf8)
        try project.dir.write(spec.replacingOccurrences(of: "project: tiny", with: "project: first")
            .replacingOccurrences(of: "  adam:\n    optimizer: {type: adam, lr: 0.003}\n", with: ""), to: "first.yaml")
        let first = try monkpipe(["run", "first.yaml", "--quiet"], in: project.url)
        try #require(first.status == 0, "\(first)")

        let runContainer = try Self.containerRunner(project)
        for (i, name) in ["adam", "sgd"].enumerated() {
            let refused = try runContainer(try Self.container(indexed, "containers"), i)
            #expect(refused.status == 4 && refused.stderr.contains("would write over the report of project 'first'"), "\(name): \(refused)")
            #expect(experimentRules[0].codes.contains(Int(refused.status)))
            #expect(!project.exists("workspace/tiny/\(name)"))
        }
        let waited = try runContainer(try Self.container(comparison, "initContainers"), nil)
        #expect(waited.status == 4, "\(waited)")
        let compared = try runContainer(try Self.container(comparison, "containers"), nil)
        #expect(compared.status == 4 && compared.stderr.contains("--set comparison.name=tiny_cmp"), "\(compared)")
        #expect(compareRules[0].codes.contains(Int(waited.status)) && compareRules[0].codes.contains(Int(compared.status)))

        // A failure that a retry may cure is not in the rules: the folder freed, an experiment
        // whose training diverges fails with 1 and its index is retried.
        try FileManager.default.removeItem(at: project.dir.path("workspace/comparison/cmp"))
        try project.dir.write(spec.replacingOccurrences(of: "lr: 0.05", with: "lr: 1e300"), to: project.spec)
        let diverged = try runContainer(try Self.container(indexed, "containers"), 1)
        #expect(diverged.status == 1 && diverged.stderr.contains("diverged"), "\(diverged)")
        #expect(!experimentRules[0].codes.contains(Int(diverged.status)))
    }

    /// Pods see only the claim: a workspace outside the mount path is refused, by name.
    @Test func workspaceOutsideTheClaimIsRefused() throws {
        let project = try TinyProject("kubernetes-paths", epochs: 1, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let r = try monkpipe(["submit", project.spec, "--kubernetes", "--image", "x/monkpipe:1", "--workspace-claim", "ws",
                              "--mount-path", project.dir.path("elsewhere").path, "--dry-run"], in: project.url)
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("the spec file") && r.stderr.contains("the workspace") && r.stderr.contains("--mount-path"), "\(r)")
        let usage = try monkpipe(["submit", project.spec, "--kubernetes", "--workspace-claim", "ws"], in: project.url)
        #expect(usage.status == 64 && usage.stderr.contains("--image"), "\(usage)")
        let mixed = try monkpipe(["submit", project.spec, "--slurm", "--image", "x"], in: project.url)
        #expect(mixed.status == 64, "\(mixed)")
    }
}
