// `monkpipe submit --set KEY=VALUE`: the jobs run the plan that was submitted. The Slurm
// scripts a dry run writes are run here with bash, as Slurm would run them (the array task
// index in SLURM_ARRAY_TASK_ID), and they train with the setting, not the file's value.
import Foundation
import Testing

@Suite("monkpipe submit --set")
struct SubmitSettingsTests {
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
