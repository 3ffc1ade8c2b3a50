// The Jobs of a Kubernetes submission (pure): an Indexed Job with one completion per
// experiment (JOB_COMPLETION_INDEX picks the experiment) and a follow-up comparison Job
// that waits for them, all on the workspace's persistent volume claim.
import Foundation
import MonkData
import MonkPlan

public struct KubernetesOptions: Sendable, Equatable {
    public var image: String
    public var claim: String
    /// Where the claim is mounted in every pod; the spec, its data and its workspace must
    /// lie under it, at the same paths as on the machine that submits.
    public var mountPath: String
    public var namespace: String?
    public var resources: ClusterResources
    /// Pod retries per experiment (`backoffLimitPerIndex`) and for the comparison.
    public var retries: Int

    public init(image: String, claim: String, mountPath: String, namespace: String? = nil,
                resources: ClusterResources, retries: Int = 3) throws {
        guard !image.isEmpty, !image.contains(where: \.isWhitespace) else {
            throw ClusterInputError.invalid(option: "--image", value: image, expected: "a container image reference such as registry.example.org/monkpipe:1.0")
        }
        guard Self.isDNSName(claim, max: 253, dots: true) else {
            throw ClusterInputError.invalid(option: "--workspace-claim", value: claim, expected: "the name of a PersistentVolumeClaim (lower-case letters, digits, '-' and '.')")
        }
        if let ns = namespace, !Self.isDNSName(ns, max: 63, dots: false) {
            throw ClusterInputError.invalid(option: "--namespace", value: ns, expected: "a namespace name (lower-case letters, digits and '-', at most 63)")
        }
        guard mountPath.hasPrefix("/"), mountPath != "/" else {
            throw ClusterInputError.invalid(option: "--mount-path", value: mountPath, expected: "an absolute directory other than /")
        }
        self.image = image
        self.claim = claim
        self.mountPath = mountPath.count > 1 && mountPath.hasSuffix("/") ? String(mountPath.dropLast()) : mountPath
        self.namespace = namespace
        self.resources = resources
        self.retries = retries
    }

    /// What the comparison Job requests, whatever the experiments need.
    struct Small {
        var cpu = "250m"
        var memory = "512Mi"
    }

    /// RFC 1123 names, as Kubernetes checks them.
    static func isDNSName(_ s: String, max: Int, dots: Bool) -> Bool {
        guard (1...max).contains(s.count), let first = s.first, let last = s.last,
              first.isLetter || first.isNumber, last.isLetter || last.isNumber else { return false }
        return s.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || (dots && $0 == ".") }
    }
}

public enum KubernetesManifests {
    /// Exit statuses after which retrying a pod cannot help (`ExitStatus.permanent`): an invalid
    /// spec (2), a refusal of every run (4: the comparison's folder holds another project's
    /// report) or bad usage (64). An experiment's index, or the comparison Job, fails at once
    /// instead of using its retries; a failure (1), a held lock (3) or a stop (130) is retried.
    static let permanentExitCodes = ExitStatus.permanent.map(Int.init)

    /// The Jobs and the name they share (`<base>-experiments`, `<base>-compare`).
    public static func jobs(plan: Plan, experiments: [String], commands: ClusterCommands,
                            options: KubernetesOptions) throws -> (base: String, jobs: [Kube.Job]) {
        try checkPaths(plan: plan, spec: commands.spec, mountPath: options.mountPath)
        let base = baseName(project: plan.project, experiments: experiments, commands: commands, options: options)
        var jobs: [Kube.Job] = []
        if !experiments.isEmpty {
            // `sh -c SCRIPT NAME0 NAME1 …`: the experiment names are the script's arguments,
            // and JOB_COMPLETION_INDEX picks one (an index past the list exits 64).
            let run = ShellWords.join(commands.arguments(.experiments))
            let script = "i=${JOB_COMPLETION_INDEX:?}; [ \"$i\" -lt $# ] || { echo \"monkpipe: no experiment for index $i\" >&2; exit 64; }; "
                + "shift \"$i\"; echo \"monkpipe: experiment $1, pod $(hostname)\"; exec \(run) \"$1\""
            var container = self.container("experiment", ["/bin/sh", "-c", script, "monkpipe-experiment"] + experiments, options)
            container.env = (container.env ?? []) + attemptEnvironment(retries: options.retries)
            let spec = Kube.JobSpec(
                completionMode: "Indexed", completions: experiments.count, parallelism: experiments.count,
                backoffLimit: nil, backoffLimitPerIndex: options.retries,
                podFailurePolicy: Kube.PodFailurePolicy(rules: [
                    .init(action: "FailIndex", onExitCodes: .init(containerName: "experiment", operator: "In", values: permanentExitCodes)),
                ]),
                template: template(base, role: .experiments, containers: [container], initContainers: nil, options: options,
                                   deadline: options.resources.time?.seconds))
            let annotation = experiments.enumerated().map { "\($0.offset)=\($0.element)" }.joined(separator: ",")
            jobs.append(Kube.Job(metadata: meta("\(base)-experiments", base, .experiments, options,
                                                annotations: ["monkpipe.dev/spec": commands.spec, "monkpipe.dev/experiments": annotation]),
                                 spec: spec))
        }
        // Jobs cannot depend on one another: the comparison's init container waits on the
        // shared workspace until every experiment has finished, and fails when one has failed
        // for good: `status --wait` waits on while the experiments Job retries a failed or
        // killed pod (see `attemptEnvironment`). A pod reserves its requests while it waits,
        // so the comparison asks for little: it only reads the experiments' stored predictions.
        let small = KubernetesOptions.Small()
        let wait = container("wait-for-experiments", [commands.executable, "status", commands.spec, "--wait", "--quiet"], options, small)
        let compare = container("compare", commands.arguments(.compare), options, small)
        jobs.append(Kube.Job(
            metadata: meta("\(base)-compare", base, .compare, options, annotations: ["monkpipe.dev/spec": commands.spec]),
            spec: Kube.JobSpec(completionMode: nil, completions: 1, parallelism: 1, backoffLimit: options.retries,
                               backoffLimitPerIndex: nil,
                               // Either container: the wait (status --wait exits 4 when every run is refused) or the comparison.
                               podFailurePolicy: Kube.PodFailurePolicy(rules: [
                                   .init(action: "FailJob", onExitCodes: .init(containerName: nil, operator: "In", values: permanentExitCodes)),
                               ]),
                               template: template(base, role: .compare, containers: [compare], initContainers: [wait],
                                                  options: options, deadline: nil))))
        return (base, jobs)
    }

    /// The Job controller annotates each pod of an index with the failures of that index so
    /// far (with `backoffLimitPerIndex`): through the downward API the experiment's run learns
    /// which attempt it is, of `retries + 1`, and records it in the experiment's folder before
    /// anything else (`SchedulerAttempt`), holding a lock while it lives. `status` then tells
    /// a failure the Job retries ("failed; retry 1 of 3 to come"; `status --wait` waits on)
    /// from one after the last attempt (exit 1: the comparison fails), and a pod killed
    /// before it could write anything (out of memory, node lost: its lock is gone) from a
    /// running one; a killed last attempt is a failure too, so the wait always ends.
    ///
    /// Rejected: the comparison Job ignoring its init container's failures (a podFailurePolicy
    /// `Ignore` rule). Kubernetes then replaces the failed pod without counting it: a new pod
    /// every few seconds while a retry is pending, and pods without end once the experiment
    /// has failed for good, since a wait that exits on any failure cannot tell the two apart.
    static func attemptEnvironment(retries: Int) -> [Kube.EnvVar] {
        [
            .init(name: SchedulerAttempt.failuresVariable, value: nil,
                  valueFrom: .init(fieldRef: .init(apiVersion: "v1", fieldPath: "metadata.annotations['\(indexFailureCount)']"),
                                   resourceFieldRef: nil)),
            .init(name: SchedulerAttempt.retriesVariable, value: "\(retries)", valueFrom: nil),
        ]
    }

    /// The annotation the Job controller keeps the failures of a pod's index in.
    static let indexFailureCount = "batch.kubernetes.io/job-index-failure-count"

    static func container(_ name: String, _ command: [String], _ o: KubernetesOptions,
                          _ fixed: KubernetesOptions.Small? = nil) -> Kube.Container {
        var requests: [String: String] = [:]
        var limits: [String: String] = [:]
        var env: [Kube.EnvVar] = []
        if let small = fixed {
            requests = ["cpu": small.cpu, "memory": small.memory]
        } else {
            if let c = o.resources.cpusPerTask {
                requests["cpu"] = "\(c)"
                // monkpipe's `threads: auto` follows the pod's CPU request, not the node's cores.
                env.append(.init(name: "MONKPIPE_THREADS", value: nil,
                                 valueFrom: .init(fieldRef: nil, resourceFieldRef: .init(resource: "requests.cpu", divisor: "1"))))
            }
            if let m = o.resources.memory {
                requests["memory"] = m.kubernetes
                limits["memory"] = m.kubernetes
            }
        }
        let resources = requests.isEmpty ? nil : Kube.Resources(requests: Kube.SortedMap(requests),
                                                                limits: limits.isEmpty ? nil : Kube.SortedMap(limits))
        return Kube.Container(name: name, image: o.image, command: command, workingDir: o.mountPath,
                              env: env.isEmpty ? nil : env, resources: resources,
                              volumeMounts: [.init(name: "workspace", mountPath: o.mountPath)])
    }

    static func template(_ base: String, role: ClusterJobRole, containers: [Kube.Container], initContainers: [Kube.Container]?,
                         options: KubernetesOptions, deadline: Int?) -> Kube.PodTemplate {
        Kube.PodTemplate(
            metadata: Kube.ObjectMeta(name: nil, namespace: nil, labels: labels(base, role), annotations: nil),
            spec: Kube.PodSpec(restartPolicy: "Never", activeDeadlineSeconds: deadline, initContainers: initContainers,
                               containers: containers,
                               volumes: [.init(name: "workspace", persistentVolumeClaim: .init(claimName: options.claim))]))
    }

    static func meta(_ name: String, _ base: String, _ role: ClusterJobRole, _ o: KubernetesOptions,
                     annotations: [String: String]) -> Kube.ObjectMeta {
        Kube.ObjectMeta(name: name, namespace: o.namespace, labels: labels(base, role), annotations: Kube.SortedMap(annotations))
    }

    static func labels(_ base: String, _ role: ClusterJobRole) -> Kube.SortedMap {
        ["app.kubernetes.io/name": "monkpipe", "app.kubernetes.io/instance": base, "monkpipe.dev/role": role.rawValue]
    }

    /// `<project>-<8 hex digits>`: the project in DNS form (at most 30 characters, so that
    /// `-experiments` and the pods' index suffixes stay within 63) and a digest of what the
    /// Jobs run, so that the same submission applied twice names the same Jobs.
    static func baseName(project: String, experiments: [String], commands: ClusterCommands, options: KubernetesOptions) -> String {
        var s = ""
        for c in project.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) { s.append(c) } else if !s.hasSuffix("-") && !s.isEmpty { s.append("-") }
        }
        while s.hasSuffix("-") { s.removeLast() }
        s = String(s.prefix(30))
        while s.hasSuffix("-") { s.removeLast() }
        if s.isEmpty || !(s.first!.isLetter) { s = "monkpipe" + (s.isEmpty ? "" : "-" + s.prefix(21)) }
        let fields: [String] = [commands.spec, commands.executable] + commands.settingArguments
            + [options.image, options.claim, options.mountPath, "\(options.resources)", experiments.joined(separator: "\n")]
        let digest = SHA256.hex(fields.joined(separator: "\u{0}"))
        return "\(s)-\(digest.prefix(8))"
    }

    /// Pods see the claim at `mountPath` only: everything the pipeline reads or writes must
    /// be there, at the same absolute path.
    static func checkPaths(plan: Plan, spec: String, mountPath: String) throws {
        var paths: [(String, String)] = [("the spec file", spec), ("the workspace", plan.workspace), ("data.train", plan.data.train.path)]
        if let t = plan.data.test { paths.append(("data.test", t.path)) }
        if case .folder(let v) = plan.data.validation { paths.append(("data.val", v)) }
        for e in plan.experiments { if case .file(let p) = e.pretrained { paths.append(("\(e.name).pretrained", p)) } }
        let outside = paths.filter { $0.1 != mountPath && !$0.1.hasPrefix(mountPath + "/") }
        guard outside.isEmpty else {
            throw PipelineError.invalid("the pods mount the workspace claim at \(mountPath), but "
                + outside.map { "\($0.0) (\($0.1))" }.joined(separator: ", ")
                + " \(outside.count == 1 ? "is" : "are") not under it: put them on the claim and pass --mount-path")
        }
    }
}
