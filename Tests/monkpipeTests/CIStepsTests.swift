// examples/ci/'s shell steps, run here as they stand with bash in a checkout made of the files
// they read (Makefile, examples/, pipelines/quickstart.yaml), with the environment the CI
// system gives them. The GitHub workflow runs three times, as three pushes would: a first
// run trains; a fresh checkout with the workspace restored from the cache skips every stage
// (and `plan` says so); a changed spec restored through restore-keys reruns only the stages
// it affects (and `plan` says why). The GitLab script runs once from an empty workspace. One
// line is not run: the build's `make build` (a release build of the whole package, minutes
// on two cores): `.build/release` is linked to the monkpipe the tests built instead.
import Foundation
import Testing
@testable import MonkPlan

@Suite("examples/ci: the CI files' shell steps")
struct CIStepsTests {
    /// A checkout at one path that stays across runs, as a CI system's does (the workspace's
    /// keys name the data's absolute paths, so a restored workspace is valid at that path).
    struct Checkout {
        let dir: TempDir
        var url: URL { dir.path("repo") }
        var temp: URL { dir.path("runner-temp") }

        init(_ label: String) throws { dir = try TempDir(label) }

        /// A clean checkout: the repository's Makefile, examples/ (no workspaces) and the spec
        /// `SPECS` names outside examples/.
        func fresh() throws {
            let fm = FileManager.default
            try? fm.removeItem(at: url)
            try? fm.removeItem(at: temp)
            try fm.createDirectory(at: url.appendingPathComponent("pipelines"), withIntermediateDirectories: true)
            try fm.createDirectory(at: temp, withIntermediateDirectories: true)
            let repo = TestEnvironment.repoRoot
            try fm.copyItem(at: repo.appendingPathComponent("Makefile"), to: url.appendingPathComponent("Makefile"))
            try fm.copyItem(at: repo.appendingPathComponent("pipelines/quickstart.yaml"), to: url.appendingPathComponent("pipelines/quickstart.yaml"))
            try fm.createDirectory(at: url.appendingPathComponent("examples"), withIntermediateDirectories: true)
            for name in try fm.contentsOfDirectory(atPath: repo.appendingPathComponent("examples").path) where !name.contains("workspace") {
                try fm.copyItem(at: repo.appendingPathComponent("examples/\(name)"), to: url.appendingPathComponent("examples/\(name)"))
            }
            // What `make build` leaves: .build/release/monkpipe.
            try fm.createDirectory(at: url.appendingPathComponent(".build"), withIntermediateDirectories: true)
            try fm.createSymbolicLink(at: url.appendingPathComponent(".build/release"),
                                      withDestinationURL: try TestEnvironment.binary().deletingLastPathComponent())
        }

        func file(_ relative: String) -> URL { url.appendingPathComponent(relative) }
        func text(_ relative: String) -> String { (try? String(contentsOf: file(relative), encoding: .utf8)) ?? "" }
    }

    /// Runs `script` with bash as both CI systems do (`bash --noprofile --norc -eo pipefail`).
    static func bash(_ script: String, in checkout: Checkout, environment: [String: String]) throws -> CommandResult {
        let file = checkout.temp.appendingPathComponent("step-\(UUID().uuidString.prefix(8)).sh")
        try Data(script.utf8).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["--noprofile", "--norc", "-eo", "pipefail", file.path]
        p.currentDirectoryURL = checkout.url
        p.environment = environment
        let out = checkout.temp.appendingPathComponent("out-\(UUID().uuidString.prefix(8))")
        let err = checkout.temp.appendingPathComponent("err-\(UUID().uuidString.prefix(8))")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return CommandResult(status: p.terminationStatus, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// The environment outside the CI file: this machine's, with CI set as both systems set it.
    static var baseEnvironment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["CI"] = "true"
        return env
    }

    /// Replaces `${{ env.NAME }}` with the workflow's value (the only expressions the
    /// workflow's `with:` values use besides the cache keys' hashFiles).
    static func expand(_ value: String, _ env: [String: String]) -> String {
        var s = value
        for (k, v) in env { s = s.replacingOccurrences(of: "${{ env.\(k) }}", with: v) }
        return s
    }

    // MARK: GitHub Actions

    struct WorkflowRun {
        var steps: [String: CommandResult] = [:]
        var summary = ""
    }

    /// A YAML file as plain values (mappings, lists, strings), read with monkpipe's own YAML
    /// composer (the system's libyaml); a file it refuses fails the test with its errors.
    static func yamlDocument(_ text: String) throws -> Any {
        let outcome = YAMLComposer.compose(text)
        let node = try #require(outcome.node, "\(outcome.errors)")
        func plain(_ n: YAMLNode) -> Any {
            switch n.value {
            case .scalar(let text, _): return text
            case .sequence(let items): return items.map(plain)
            case .mapping(let entries): return Dictionary(entries.map { ($0.key, plain($0.value)) }, uniquingKeysWith: { a, _ in a })
            }
        }
        return plain(node)
    }

    static func loadWorkflow() throws -> (env: [String: String], steps: [[String: Any]]) {
        let text = try String(contentsOf: TestEnvironment.repoRoot.appendingPathComponent("examples/ci/github-actions.yml"), encoding: .utf8)
        let doc = try #require(try Self.yamlDocument(text) as? [String: Any])
        let env = (doc["env"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
        let jobs = try #require(doc["jobs"] as? [String: Any])
        try #require(jobs.count == 1, "one job")
        let job = try #require(jobs.values.first as? [String: Any])
        #expect(job["container"] as? String == "swift:6.0-bookworm")
        return (env, try #require(job["steps"] as? [[String: Any]]))
    }

    /// One run of the workflow's job in `checkout` (already checked out). `restore` is what the
    /// workspace cache step restores (nil: a miss); the caller checks the keys' meaning.
    static func runWorkflow(_ checkout: Checkout, restore: URL?) throws -> WorkflowRun {
        let (workflowEnv, steps) = try loadWorkflow()
        let githubPath = checkout.temp.appendingPathComponent("github_path")
        let summary = checkout.temp.appendingPathComponent("step_summary")
        for f in [githubPath, summary] { FileManager.default.createFile(atPath: f.path, contents: nil) }
        var env = baseEnvironment.merging(workflowEnv) { _, new in new }
        env["GITHUB_ACTIONS"] = "true"
        env["GITHUB_WORKSPACE"] = checkout.url.path
        env["RUNNER_TEMP"] = checkout.temp.path
        env["GITHUB_PATH"] = githubPath.path
        env["GITHUB_STEP_SUMMARY"] = summary.path
        let basePath = env["PATH"] ?? "/usr/bin:/bin"
        var run = WorkflowRun()

        for (i, step) in steps.enumerated() {
            let name = step["name"] as? String ?? "step \(i)"
            let with = (step["with"] as? [String: Any] ?? [:]).mapValues { expand("\($0)", workflowEnv) }
            if let uses = step["uses"] as? String {
                switch uses.split(separator: "@").first.map(String.init) {
                case "actions/checkout":
                    continue   // the caller made the checkout
                case "actions/cache" where with["path"] == ".build":
                    continue   // the build is not run here (see the file's opening comment)
                case "actions/cache":
                    let path = checkout.file(try #require(with["path"]))
                    if let restore { try FileManager.default.copyItem(at: restore, to: path) }
                case "actions/upload-artifact":
                    let path = checkout.file(try #require(with["path"]))
                    #expect(with["if-no-files-found"] == "error")
                    for f in ["index.html", "comparison.csv"] {
                        #expect(FileManager.default.fileExists(atPath: path.appendingPathComponent(f).path), "the artifact has no \(f) at \(path.path)")
                    }
                default:
                    Issue.record("step \(name) uses \(uses), which this test does not stand in for")
                }
                continue
            }
            var script = try #require(step["run"] as? String, "step \(name) neither uses an action nor runs a script")
            if script.hasPrefix("make build\n") {
                script.removeFirst("make build\n".count)   // .build/release is linked instead
            }
            // Lines a step appended to GITHUB_PATH come before PATH in the later steps.
            let added = ((try? String(contentsOf: githubPath, encoding: .utf8)) ?? "").split(separator: "\n").reversed().map(String.init)
            env["PATH"] = (added + [basePath]).joined(separator: ":")
            let r = try bash(script, in: checkout, environment: env)
            run.steps[name] = r
            try #require(r.status == 0, "step \(name) failed: \(r)")
        }
        run.summary = (try? String(contentsOf: summary, encoding: .utf8)) ?? ""
        return run
    }

    @Test func workflowStepsRunAndTheCachedWorkspaceSkipsStages() throws {
        let checkout = try Checkout("gha"); defer { checkout.dir.cleanUp() }
        let (workflowEnv, steps) = try Self.loadWorkflow()
        let spec = try #require(workflowEnv["SPEC"]), workspace = try #require(workflowEnv["WORKSPACE"])
        // The workspace cache is keyed on the spec and its data, and falls back to the latest.
        let cache = try #require(steps.first { ($0["uses"] as? String)?.hasPrefix("actions/cache") == true && ($0["with"] as? [String: Any])?["path"] as? String != ".build" })
        let with = try #require(cache["with"] as? [String: Any])
        let key = try #require(with["key"] as? String), restoreKeys = try #require(with["restore-keys"] as? String)
        #expect(key.contains("hashFiles('\(spec)', 'examples/chest_xray_small/**')"), "\(key)")
        #expect(key.hasPrefix(restoreKeys), "restore-keys \(restoreKeys) is not a prefix of \(key)")
        let saved = checkout.dir.path("cache")

        // 1. An empty cache: everything runs, and the report is uploaded.
        try checkout.fresh()
        let first = try Self.runWorkflow(checkout, restore: nil)
        let validated = first.steps["Validate every spec"].map { $0.stdout + $0.stderr } ?? ""
        for s in ["examples/ci.yaml", "examples/sweep.yaml", "pipelines/quickstart.yaml"] {
            #expect(validated.contains("\(s): ok"), "\(validated)")
        }
        #expect(first.steps["Plan"]?.stdout.contains("train/smoke                 runs because it has not run before") == true, "\(first.steps["Plan"]?.stdout ?? "")")
        #expect(first.summary.hasPrefix("### monkpipe plan\n```\n") && first.summary.contains("compare/ci"), "\(first.summary)")
        let metrics = checkout.text("\(workspace)/ci/smoke/output/test/metrics.json")
        #expect(metrics.contains("accuracy"))
        // The cache's post step saves the workspace.
        try FileManager.default.copyItem(at: checkout.file(workspace), to: saved)

        // 2. A new checkout (new files, same contents) with the workspace restored: nothing runs.
        try checkout.fresh()
        let second = try Self.runWorkflow(checkout, restore: saved)
        let plan = second.steps["Plan"]?.stdout ?? ""
        for stage in ["load", "train/smoke", "test/smoke", "compare/ci"] {
            #expect(plan.contains("\n\(stage.padding(toLength: 28, withPad: " ", startingAt: 0))cached"), "\(stage): \(plan)")
        }
        let rerun = second.steps["Run"].map { $0.stdout + $0.stderr } ?? ""
        #expect(!rerun.contains(" ran ("), "\(rerun)")
        #expect(checkout.text("\(workspace)/ci/smoke/output/test/metrics.json") == metrics)

        // 3. The spec changed (the key misses, restore-keys restores the last workspace): only
        // the stages it affects run, and the plan says why.
        try checkout.fresh()
        let specText = checkout.text(spec)
        try #require(specText.contains("threshold: 0.5"))
        try Data(specText.replacingOccurrences(of: "threshold: 0.5", with: "threshold: 0.6").utf8).write(to: checkout.file(spec))
        let third = try Self.runWorkflow(checkout, restore: saved)
        let why = third.steps["Plan"]?.stdout ?? ""
        #expect(why.contains("\ntrain/smoke                 cached"), "\(why)")
        #expect(why.contains("\ntest/smoke                  runs because evaluation.threshold.fixed 0.5 → 0.6"), "\(why)")
        let ran = third.steps["Run"].map { $0.stdout + $0.stderr } ?? ""
        #expect(ran.contains("test/smoke ran") && !ran.contains("train/smoke ran"), "\(ran)")
    }

    // MARK: GitLab CI

    @Test func gitlabScriptRunsAndLeavesItsCachesAndArtifacts() throws {
        let text = try String(contentsOf: TestEnvironment.repoRoot.appendingPathComponent("examples/ci/gitlab-ci.yml"), encoding: .utf8)
        let doc = try #require(try Self.yamlDocument(text) as? [String: Any])
        let variables = (doc["variables"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
        let job = try #require(doc["pipelines"] as? [String: Any])
        #expect(job["image"] as? String == "swift:6.0-bookworm")
        var lines = try #require(job["script"] as? [String])
        let build = try #require(lines.firstIndex(of: "make build"))
        lines.remove(at: build)   // .build/release is linked instead

        let checkout = try Checkout("gitlab"); defer { checkout.dir.cleanUp() }
        try checkout.fresh()
        var env = Self.baseEnvironment.merging(variables) { _, new in new }
        env["GITLAB_CI"] = "true"
        env["CI_PROJECT_DIR"] = checkout.url.path
        // The runner runs the entries one after another in one shell, stopping at a failure.
        let r = try Self.bash(lines.joined(separator: "\n") + "\n", in: checkout, environment: env)
        try #require(r.status == 0, "the GitLab script failed: \(r)")
        #expect((r.stdout + r.stderr).contains("examples/sweep.yaml: ok"), "\(r)")
        #expect((r.stdout + r.stderr).contains("compare/ci ran"), "\(r)")

        // What the caches would save and what is kept as the artifact exist after the script,
        // and the workspace cache's key is made from the spec and its data.
        let caches = try #require(job["cache"] as? [[String: Any]])
        for c in caches {
            for p in c["paths"] as? [String] ?? [] {
                #expect(FileManager.default.fileExists(atPath: checkout.file(p).path), "cache path \(p)")
            }
        }
        let workspaceKey = try #require(caches.compactMap { ($0["key"] as? [String: Any]) }.first { $0["prefix"] as? String == "monkpipe-workspace" })
        #expect(workspaceKey["files"] as? [String] == [variables["SPEC"] ?? "", "examples/chest_xray_small/**/*"])
        let artifacts = try #require(job["artifacts"] as? [String: Any])
        for p in artifacts["paths"] as? [String] ?? [] {
            #expect(FileManager.default.fileExists(atPath: checkout.file(p).appendingPathComponent("index.html").path), "artifact \(p)")
        }
    }
}
