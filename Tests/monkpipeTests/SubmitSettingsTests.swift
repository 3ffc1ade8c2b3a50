// `monkpipe submit --set KEY=VALUE`: the jobs run the plan that was submitted. The Slurm
// scripts a dry run writes are run here with bash, as Slurm would run them (the array task
// index in SLURM_ARRAY_TASK_ID), and they train with the setting, not the file's value.
import Foundation
import Testing

@Suite("monkpipe submit --set")
struct SubmitSettingsTests {
    /// A dry run prints the sbatch commands it would run, a job not submitted yet by its
    /// role. The dependency word was printed `'--dependency=afterok:<load job>`, one quote
    /// left open, as if the rest of the line were one argument.
    @Test func slurmDryRunPrintsEachCommandAsItWouldRun() throws {
        let project = try TinyProject("submit-dry", perClass: 4, testPerClass: 2, epochs: 1, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let r = try monkpipe(["submit", project.spec, "--slurm", "--dry-run"], in: project.url)
        try #require(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  sbatch ") }
        try #require(lines.count == 3, "\(r)")
        let first = try #require(r.stdout.split(separator: "\n").first.map(String.init))
        let prefix = "dry run: scripts written to ", suffix = "; would run:"
        try #require(first.hasPrefix(prefix) && first.hasSuffix(suffix), "\(r)")
        let directory = String(first.dropFirst(prefix.count).dropLast(suffix.count))
        #expect(lines[0] == "  sbatch --parsable \(directory)/load.sbatch", "\(r)")
        #expect(lines[1] == "  sbatch --parsable --dependency=afterok:<load job> --kill-on-invalid-dep=yes \(directory)/experiments.sbatch", "\(r)")
        #expect(lines[2] == "  sbatch --parsable --dependency=afterok:<experiments job> --kill-on-invalid-dep=yes \(directory)/compare.sbatch", "\(r)")
    }

    @Test func slurmJobsRunTheSubmittedSettings() throws {
        // The file says one epoch; the submission says two.
        let project = try TinyProject("submit-set", perClass: 4, testPerClass: 2, epochs: 1, experiments: "  sgd: {}\n")
        defer { project.cleanUp() }
        let set = ["--set", "defaults.epochs=2"]
        let r = try monkpipe(["submit", project.spec, "--slurm", "--dry-run", "--json"] + set, in: project.url)
        try #require(r.status == 0, "\(r)")
        let out = try #require(try parseJSON(r.stdout) as? [String: Any])
        let directory = try #require(out["directory"] as? String)

        var scripts: [String] = []
        for role in ["load", "experiments", "compare"] {
            let text = try String(contentsOfFile: directory + "/\(role).sbatch", encoding: .utf8)
            #expect(text.contains(" run \(project.dir.path(project.spec).path) --set defaults.epochs=2 ")
                    || text.contains(" run '\(project.dir.path(project.spec).path)' --set defaults.epochs=2 "), "\(role): \(text)")
            scripts.append(directory + "/\(role).sbatch")
        }
        for script in scripts {
            let o = try LocalSlurm.run("/bin/bash", [script], environment: [
                "SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_JOB_ID": "1", "MONKPIPE_THREADS": "1"])
            #expect(o.status == 0, "\(script): \(o.stdout)\(o.stderr)")
        }
        // Two epochs were trained, as submitted.
        let history = try String(contentsOf: project.dir.path("workspace/tiny/sgd/output/logs/history.csv"), encoding: .utf8)
        #expect(history.split(separator: "\n").map { $0.prefix(2) } == ["ep", "1,", "2,"], "\(history)")

        // With the same settings everything is cached; the file alone is another plan.
        let again = try monkpipe(["submit", project.spec, "--slurm", "--dry-run"] + set, in: project.url)
        #expect(again.status == 0 && again.stdout.contains("nothing to submit"), "\(again)")
        let status = try monkpipe(["status", project.spec] + set, in: project.url)
        #expect(status.status == 0, "\(status)")
        let fileAlone = try monkpipe(["submit", project.spec, "--slurm", "--dry-run"], in: project.url)
        #expect(fileAlone.status == 0 && !fileAlone.stdout.contains("nothing to submit"), "\(fileAlone)")
    }
}
