// `monkpipe submit FILE --slurm|--kubernetes`: hand the sweep's experiments to a cluster's
// scheduler as jobs that run monkpipe on the shared workspace.
import ArgumentParser
import Foundation
import MonkPipeline

enum SchedulerKind: String, EnumerableFlag {
    case slurm, kubernetes
    static func help(for value: SchedulerKind) -> ArgumentHelp? {
        switch value {
        case .slurm: return "Submit with sbatch: a load job, an array with one task per experiment, the comparison."
        case .kubernetes: return "Write (and with kubectl, apply) an Indexed Job per experiment and a comparison Job."
        }
    }
}

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a pipeline's experiments to a cluster (Slurm or Kubernetes).",
        // ArgumentParser prints an exclusive flag as two required ones ("--slurm --kubernetes").
        usage: "monkpipe submit <file> (--slurm | --kubernetes) [<options>]",
        discussion: """
        Only what is not cached is submitted: the load stage, the experiments with a stage left, \
        the comparison. Jobs run `monkpipe run FILE --stage load`, `--experiment NAME` and \
        `--stage compare` on the shared workspace; follow them with `monkpipe status FILE`. \
        --set options are passed on to every job (and belong on `status` too).
        """)

    @Argument(help: "The pipeline file (YAML).")
    var file: String

    @Flag(help: "The scheduler.")
    var scheduler: SchedulerKind

    @Flag(name: .long, help: "Write the scripts or manifests and print what would be submitted, without submitting.")
    var dryRun = false

    @OptionGroup var settings: SetOptions
    @OptionGroup(title: "Resources of every job") var resources: ResourceOptions
    @OptionGroup(title: "Slurm") var slurm: SlurmSubmitOptions
    @OptionGroup(title: "Kubernetes") var kubernetes: KubernetesSubmitOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        switch scheduler {
        case .slurm:
            let k = kubernetes
            if k.image != nil || k.workspaceClaim != nil || k.mountPath != nil || k.namespace != nil {
                throw ValidationError("--image, --workspace-claim, --mount-path and --namespace are for --kubernetes")
            }
        case .kubernetes:
            if slurm.partition != nil || slurm.extra != nil { throw ValidationError("--partition and --extra are for --slurm") }
            if kubernetes.image == nil { throw ValidationError("--kubernetes needs --image IMAGE (an image with monkpipe on its PATH)") }
            if kubernetes.workspaceClaim == nil { throw ValidationError("--kubernetes needs --workspace-claim PVC (the claim holding the workspace)") }
        }
    }

    func run() throws {
        let plan = try loadPlan(file, settings)
        let spec = URL(fileURLWithPath: file).standardizedFileURL
        let console = output.console
        // `status` must read the plan the jobs run: the file with the same --set options.
        let followed = ShellWords.join([file] + settings.overrides.flatMap(\.arguments))
        let runner = PipelineRunner(plan: plan, console: Console(quiet: true, isTerminal: false))
        // A spec that fixes its thread count gets that many cores per job unless told otherwise.
        var cpus = resources.cpusPerTask
        if cpus == nil, case .fixed(let n) = plan.threads { cpus = n }
        let res = try reportingErrors { try ClusterResources(cpusPerTask: cpus, memory: resources.mem, time: resources.time) }
        switch scheduler {
        case .slurm:
            let submitter = SlurmSubmitter(runner: runner, commands: ClusterCommands(executable: MonkpipeExecutable.current(), spec: spec.path, settings: settings.overrides),
                                           options: SlurmOptions(partition: slurm.partition, resources: res, extra: slurm.extra ?? []))
            let outcome = try reportingErrors { try submitter.submit(dryRun: dryRun) }
            SubmitReport.slurm(outcome, file: followed, json: output.json, console: console)
        case .kubernetes:
            let options = try reportingErrors {
                try KubernetesOptions(image: kubernetes.image!, claim: kubernetes.workspaceClaim!,
                                      mountPath: kubernetes.mountPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                                          ?? spec.deletingLastPathComponent().path,
                                      namespace: kubernetes.namespace, resources: res)
            }
            let submitter = KubernetesSubmitter(runner: runner, commands: ClusterCommands(executable: "monkpipe", spec: spec.path, settings: settings.overrides), options: options)
            let outcome = try reportingErrors { try submitter.submit(dryRun: dryRun) }
            SubmitReport.kubernetes(outcome, file: followed, json: output.json, console: console)
        }
    }
}
