// Parsing of the cluster options (time limits, memory sizes, shell words) and what a
// submission must still run, from the runner's decisions.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct ClusterInputTests {
    /// Seconds by hand from Slurm's documented forms (sbatch(1), --time).
    @Test func timeLimitsReadEverySlurmForm() throws {
        let cases: [(String, Int)] = [
            ("90", 90 * 60), ("5:30", 5 * 60 + 30), ("1:30:00", 5400), ("2-00:00:00", 2 * 86_400),
            ("1-12", 36 * 3600), ("0-01:15", 75 * 60), ("3-4:5:6", ((3 * 24 + 4) * 60 + 5) * 60 + 6),
        ]
        for (text, seconds) in cases { #expect(try TimeLimit(parsing: text).seconds == seconds, "\(text)") }
        #expect(try TimeLimit(parsing: "1:30:00").slurm == "0-01:30:00")
        #expect(try TimeLimit(parsing: "1-12").slurm == "1-12:00:00")
        for bad in ["", "abc", "1:2:3:4", "-5", "0", "1h", "1-", "::"] {
            #expect(throws: ClusterInputError.self, "\(bad)") { try TimeLimit(parsing: bad) }
        }
    }

    @Test func memorySizesAreMebibytes() throws {
        let cases: [(String, Int)] = [("4G", 4096), ("4096", 4096), ("512M", 512), ("1.5G", 1536), ("2Gi", 2048),
                                      ("1T", 1_048_576), ("100K", 1), ("3GB", 3072), ("8g", 8192)]
        for (text, mb) in cases { #expect(try MemorySize(parsing: text).mebibytes == mb, "\(text)") }
        #expect(try MemorySize(parsing: "4G").slurm == "4096M")
        #expect(try MemorySize(parsing: "4G").kubernetes == "4096Mi")
        for bad in ["", "G", "-1G", "4X", "lots", "0"] {
            #expect(throws: ClusterInputError.self, "\(bad)") { try MemorySize(parsing: bad) }
        }
        #expect(throws: ClusterInputError.self) { try ClusterResources(cpusPerTask: 0) }
    }

    /// `threads: auto` is the scheduler's allotment when there is one; a fixed count stays.
    @Test func autoThreadsFollowTheScheduler() {
        let machine = CoreAllowance(environment: [:], machineCores: 16)
        #expect(machine.threads(.auto) == 16 && machine.source == "machine")
        let slurm = CoreAllowance(environment: ["SLURM_CPUS_PER_TASK": "3"], machineCores: 16)
        #expect(slurm.threads(.auto) == 3 && slurm.source == "SLURM_CPUS_PER_TASK")
        #expect(slurm.threads(.fixed(2)) == 2)
        let pod = CoreAllowance(environment: ["MONKPIPE_THREADS": "2", "SLURM_CPUS_PER_TASK": "3"], machineCores: 16)
        #expect(pod.threads(.auto) == 2)
        #expect(CoreAllowance(environment: ["SLURM_CPUS_PER_TASK": "zero"], machineCores: 4).threads(.auto) == 4)
        #expect(CoreAllowance(environment: ["MONKPIPE_THREADS": "0"], machineCores: 4).threads(.auto) == 4)
    }

    /// Words split here and words a real shell splits from the same text are the same.
    @Test func shellWordsSplitLikeAShell() throws {
        let texts = [
            "--account=lab --qos=short",
            "--comment=\"two words\" --mail-type=END",
            "--constraint='a&b' -x node[1-3]",
            "--comment=it\\'s   --x=\"say \\\"hi\\\"\"",
            "",
        ]
        for text in texts {
            let ours = try ShellWords.split(text)
            let sh = try Self.shell("for w in \(text); do printf '%s\\0' \"$w\"; done")
            #expect(ours == sh, "\(text)")
        }
        #expect(throws: ShellWords.SplitError.self) { try ShellWords.split("--comment='open") }
        #expect(throws: ShellWords.SplitError.self) { try ShellWords.split("ends\\") }
    }

    /// Quoted words come back unchanged through /bin/sh, whatever they contain.
    @Test func quotedWordsSurviveTheShell() throws {
        let words = ["plain", "two words", "it's", "$HOME", "a\"b", "back\\slash", "*", "", "tab\there", "ünï"]
        let line = "for w in \(ShellWords.join(words)); do printf '%s\\0' \"$w\"; done"
        #expect(try Self.shell(line) == words)
        #expect(ShellWords.quote("/work/ws/spec.yaml") == "/work/ws/spec.yaml")
    }

    /// Runs `script` with /bin/sh and splits its NUL-separated output.
    static func shell(_ script: String) throws -> [String] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        var words = String(decoding: data, as: UTF8.self).components(separatedBy: "\0")
        words.removeLast()
        return words
    }

    /// After a real run of one of two experiments, only the other, and the comparison, are left.
    @Test func workLeftFollowsTheCache() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1)
        let before = try f.runner(spec).clusterWork()
        #expect(before == ClusterWork(load: true, experiments: ["adam", "sgd"], compare: true, blocked: []))
        try f.runner(spec).run()
        #expect(try f.runner(spec).clusterWork().isEmpty)
        let changed = spec.replacingOccurrences(of: "{type: adam, lr: 0.002}", with: "{type: adam, lr: 0.003}")
        #expect(try f.runner(changed).clusterWork() == ClusterWork(load: false, experiments: ["adam"], compare: true, blocked: []))
        // A missing weights file blocks its experiment: a submission must refuse, not fail later.
        let missing = spec.replacingOccurrences(of: "  sgd: {}", with: "  sgd: {pretrained: no-such-file.pth}")
        let blocked = try f.runner(missing).clusterWork()
        #expect(blocked.blocked.map(\.experiment) == ["sgd"])
    }
}

extension ClusterWork {
    init(load: Bool, experiments: [String], compare: Bool, blocked: [Blocked]) {
        self.init(decisions: [])
        self.load = load
        self.experiments = experiments
        self.compare = compare
        self.blocked = blocked
    }
}
