// The option groups of `monkpipe submit`: resources every job requests, and what is particular
// to Slurm and to Kubernetes.
import ArgumentParser
import Foundation
import MonkPipeline

struct ResourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Wall-time limit of each job (Slurm forms: minutes, H:M:S, D-H:M:S).", valueName: "time"),
            transform: { try TimeLimit(parsing: $0) })
    var time: TimeLimit?

    @Option(name: .long, help: ArgumentHelp("Cores of each job; `threads: auto` in the spec follows it. Default: the spec's `threads` when it is a number.", valueName: "n"))
    var cpusPerTask: Int?

    @Option(name: .long, help: ArgumentHelp("Memory of each job (e.g. 8G, 4096M).", valueName: "size"),
            transform: { try MemorySize(parsing: $0) })
    var mem: MemorySize?
}

struct SlurmSubmitOptions: ParsableArguments {
    @Option(name: .long, help: "Slurm partition of every job.")
    var partition: String?

    // Unconditional: the value itself starts with dashes (`--extra "--account=lab"`).
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("More sbatch options for every job, in one quoted string (e.g. \"--account=lab --qos=short\").", valueName: "options"),
            transform: { try ShellWords.split($0) })
    var extra: [String]?
}

struct KubernetesSubmitOptions: ParsableArguments {
    @Option(name: .long, help: "Container image with monkpipe on its PATH (and /bin/sh).")
    var image: String?

    @Option(name: .long, help: ArgumentHelp("PersistentVolumeClaim holding the spec, its data and the workspace.", valueName: "pvc"))
    var workspaceClaim: String?

    @Option(name: .long, help: ArgumentHelp("Where pods mount the claim: the same absolute path the files have here (default: the spec's folder).", valueName: "path"))
    var mountPath: String?

    @Option(name: .long, help: "Namespace of the Jobs (default: kubectl's current one).")
    var namespace: String?
}
