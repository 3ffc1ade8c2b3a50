// The Slurm batch scripts: the directives each job gets, and the array index → experiment
// mapping, checked by running the scripts' own shell code.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct SlurmScriptTests {
    static let names = ["adam", "sgd lr=0.1", "it's", "plain"]

    static func scripts(load: Bool = true, compare: Bool = true) throws -> [SlurmBatchScript] {
        var work = ClusterWork(decisions: [])
        work.load = load
        work.experiments = names
        work.compare = compare
        let options = SlurmOptions(partition: "short", resources: try ClusterResources(cpusPerTask: 2, memory: MemorySize(parsing: "3G"),
                                                                                         time: TimeLimit(parsing: "90")))
        return SlurmBatchScripts.make(work: work, project: "My Project", commands: ClusterCommands(executable: "/opt/monk pipe/monkpipe", spec: "/data/p/spec.yaml"),
                                      options: options, logs: URL(fileURLWithPath: "/ws/.cluster/p/slurm/1/logs"))
    }

    @Test func eachJobGetsItsDirectives() throws {
        let s = try Self.scripts()
        #expect(s.map(\.role) == [.load, .experiments, .compare])
        #expect(s.map(\.fileName) == ["load.sbatch", "experiments.sbatch", "compare.sbatch"])
        let array = s[1].text.split(separator: "\n").filter { $0.hasPrefix("#SBATCH") }
        #expect(array == [
            "#SBATCH --job-name=monkpipe-My_Project-experiments",
            "#SBATCH --output=/ws/.cluster/p/slurm/1/logs/experiment-%A_%a.out",
            "#SBATCH --open-mode=append",
            "#SBATCH --requeue",
            "#SBATCH --array=0-3",
            "#SBATCH --partition=short",
            "#SBATCH --time=0-01:30:00",
            "#SBATCH --cpus-per-task=2",
            "#SBATCH --mem=3072M",
        ])
        #expect(s[0].text.contains("exec '/opt/monk pipe/monkpipe' run /data/p/spec.yaml --stage load\n"))
        #expect(s[2].text.contains("exec '/opt/monk pipe/monkpipe' run /data/p/spec.yaml --stage compare\n"))
        #expect(!s[0].text.contains("--requeue"))
        // Only the jobs the work needs.
        #expect(try Self.scripts(load: false, compare: false).map(\.role) == [.experiments])
    }

    /// The array script, run by bash with each SLURM_ARRAY_TASK_ID and `exec` replaced by
    /// printing the arguments, names the right experiment; an unknown index exits 64.
    @Test func arrayIndexPicksTheExperiment() throws {
        let text = try Self.scripts()[1].text.replacingOccurrences(of: "exec ", with: "printf '%s\\0' ")
        for (i, name) in Self.names.enumerated() {
            let (status, out) = try Self.bash(text, env: ["SLURM_ARRAY_TASK_ID": "\(i)", "SLURM_ARRAY_JOB_ID": "7"])
            #expect(status == 0)
            // The first line is the script's note for the log; the NUL-separated words follow.
            let lines = out.split(separator: "\n", maxSplits: 1).map(String.init)
            #expect(lines.first?.hasPrefix("monkpipe: experiment \(name), job 7_\(i)") == true)
            let words = (lines.last ?? "").components(separatedBy: "\0").filter { !$0.isEmpty }
            #expect(words == ["/opt/monk pipe/monkpipe", "run", "/data/p/spec.yaml", "--experiment", name], "index \(i)")
        }
        #expect(try Self.bash(text, env: ["SLURM_ARRAY_TASK_ID": "4"]).status == 64)
    }

    static func bash(_ script: String, env: [String: String]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script]
        p.environment = env.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func squeueLinesAreParsed() {
        let states = SlurmQueue.parse("12_0|COMPLETED|None\n12_1|FAILED|NonZeroExitCode\n13|CANCELLED|DependencyNeverSatisfied\n14|PENDING|Dependency\n")
        #expect(states["12_1"] == SlurmJobState(state: "FAILED", reason: "NonZeroExitCode"))
        #expect(states["13"]?.isFailed == true)
        #expect(states["14"]?.isPending == true)
        #expect(states["12_0"]?.isActive == false)
        #expect(states["13"]?.description == "CANCELLED (DependencyNeverSatisfied)")
    }

    @Test func sbatchJobIDs() throws {
        #expect(try SlurmSubmitter.jobID("4242\n") == "4242")
        #expect(try SlurmSubmitter.jobID("4242;cluster\n") == "4242")
        #expect(throws: PipelineError.self) { try SlurmSubmitter.jobID("sbatch: error: Batch job submission failed") }
    }
}
