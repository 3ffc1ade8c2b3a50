// Spec → Plan for the project and data sections: defaults filled in, paths made absolute
// against the spec's folder, names and paths checked for safety. Pure: no I/O.
import MonkVocabulary

struct PlanResolver {
    let root: YAMLNode
    let spec: Spec
    /// Absolute folder of the spec file.
    let directory: String
    var log = ErrorLog()
    var errors: [SpecError] { log.list }
    /// Settings replaced whole by an override (warnings, not errors).
    var discards = DiscardWarnings()

    /// The `--set` options already laid over `root`, recorded in the plan.
    let overrides: [SpecOverride]

    init(root: YAMLNode, spec: Spec, directory: String, overrides: [SpecOverride] = []) {
        self.root = root
        self.spec = spec
        self.overrides = overrides
        self.directory = PathRules.absolute(directory, relativeTo: "/")
    }

    /// The plan, or nil with `errors` filled in.
    mutating func resolve() -> Plan? {
        let seed = UInt64(spec.seed ?? DataDefaults.seed)
        let writtenWorkspace = spec.workspace ?? DataDefaults.workspace
        let workspace = path(writtenWorkspace, at: ["workspace"])
        if let problem = PathRules.workspaceProblem(written: writtenWorkspace, resolved: workspace, specDirectory: directory) {
            report(.unsafeName, at: ["workspace"], problem)
        }
        if spec.project == ComparisonPlan.workspaceFolder {
            report(.conflict, at: ["project"],
                   "a project may not be named '\(spec.project)': the workspace keeps every comparison in \(writtenWorkspace)/\(spec.project)/, where this project's experiments would go too; rename the project")
        }
        let data = resolveData(spec.data, seed: seed)
        let experiments = resolveExperiments(seed: seed)
        let comparison = resolveComparison(experiments.map(\.name))
        guard errors.isEmpty else { return nil }
        return Plan(project: spec.project, workspace: workspace, seed: seed, threads: threads(spec.threads),
                    data: data, experiments: experiments, comparison: comparison,
                    overrides: overrides.map(\.description), discardedSettings: discards.messages)
    }

    // MARK: data

    mutating func resolveData(_ d: DataSpec, seed: UInt64) -> DataPlan {
        let inputSize = d.inputSize ?? DataDefaults.inputSize
        let validation: ValidationSource
        switch d.val {
        case .folder(let p)?: validation = .folder(path: path(p, at: ["data", "val"]))
        case .split(let s)?:
            validation = .split(SplitPlan(fraction: s.fraction ?? DataDefaults.validationFraction, stratified: s.stratified ?? DataDefaults.stratified,
                                          groupBy: s.groupBy, seed: s.seed.map(UInt64.init) ?? seed))
        case nil:
            validation = .split(SplitPlan(fraction: DataDefaults.validationFraction, stratified: DataDefaults.stratified,
                                          groupBy: nil, seed: seed))
        }
        let color = d.color ?? DataDefaults.color
        let train = transforms(d.trainTransforms, key: "train_transforms", inputSize: inputSize, color: color,
                               defaults: [.resize(size: inputSize), .horizontalFlip(probability: TransformDefaults.flipProbability), imagenet])
        let eval = transforms(d.evalTransforms, key: "eval_transforms", inputSize: inputSize, color: color,
                              defaults: [.resize(size: inputSize), imagenet])
        return DataPlan(train: source(d.train, key: "train"), validation: validation,
                        test: d.test.map { source($0, key: "test") }, inputSize: inputSize,
                        batchSize: d.batchSize ?? DataDefaults.batchSize, workers: threads(d.workers), color: color,
                        trainTransforms: train, evalTransforms: eval, onBadImage: d.onBadImage ?? DataDefaults.onBadImage,
                        limit: d.limit.map { DataLimit(amount: $0, seed: seed) })
    }

    private var imagenet: Transform { .normalize(mean: Transform.imagenetMean, std: Transform.imagenetStd) }

    mutating func source(_ s: SourceSpec, key: String) -> DatasetSource {
        switch s {
        case .folder(let p):
            return .folder(path: path(p, at: ["data", key]))
        case .csv(let c):
            let file = path(c.csv, at: ["data", key, "csv"])
            let folder = String(file[..<(file.lastIndex(of: "/") ?? file.startIndex)])
            return .csv(CSVSource(file: file, root: c.root.map { path($0, at: ["data", key, "root"]) } ?? (folder.isEmpty ? "/" : folder),
                                  delimiter: c.delimiter ?? DataDefaults.csvDelimiter,
                                  imageColumn: c.imageColumn ?? DataDefaults.imageColumn,
                                  labelColumn: c.labelColumn ?? DataDefaults.labelColumn))
        }
    }

    mutating func transforms(_ written: [TransformSpec]?, key: String, inputSize: Int, color: ColorMode,
                             defaults: [Transform]) -> [Transform] {
        guard let written else { return defaults }
        let channels = color == .rgb ? 3 : 1
        var size: Int?
        var result: [Transform] = []
        for (i, t) in written.enumerated() {
            let at = ["data", key, "[\(i)]"]
            let transform: Transform
            switch t {
            case .resize(let n): transform = .resize(size: n ?? inputSize)
            case .centerCrop(let n): transform = .centerCrop(size: n ?? inputSize)
            case .randomResizedCrop(let c):
                let scale = c?.scale.map { ClosedInterval($0[0], $0[1]) } ?? TransformDefaults.resizedCropScale
                let ratio = c?.ratio.map { ClosedInterval($0[0], $0[1]) } ?? TransformDefaults.resizedCropRatio
                if scale.lower > scale.upper || ratio.lower > ratio.upper {
                    report(.conflict, at: at, "scale and ratio are [low, high] ranges; low must not exceed high")
                }
                transform = .randomResizedCrop(size: c?.size ?? inputSize, scale: scale, ratio: ratio)
            case .randomCrop(let c): transform = .randomCrop(size: c?.size ?? inputSize, padding: c?.padding ?? TransformDefaults.cropPadding)
            case .horizontalFlip(let p): transform = .horizontalFlip(probability: p ?? TransformDefaults.flipProbability)
            case .verticalFlip(let p): transform = .verticalFlip(probability: p ?? TransformDefaults.flipProbability)
            case .randomRotation(let d): transform = .randomRotation(degrees: d)
            case .colorJitter(let j): transform = .colorJitter(brightness: j.brightness ?? TransformDefaults.jitter, contrast: j.contrast ?? TransformDefaults.jitter)
            case .gaussianBlur(let b):
                transform = .gaussianBlur(sigma: range(b?.sigma, default: TransformDefaults.blurSigma, "sigma", at: at),
                                          probability: b?.p ?? TransformDefaults.blurProbability)
            case .randomGamma(let g):
                transform = .randomGamma(gamma: range(g?.gamma, default: TransformDefaults.gamma, "gamma", at: at),
                                         probability: g?.p ?? TransformDefaults.gammaProbability)
            case .jpegQuality(let q):
                transform = .jpegQuality(quality: range(q?.quality, default: TransformDefaults.jpegQuality, "quality", at: at),
                                         probability: q?.p ?? TransformDefaults.jpegProbability)
            case .equalize: transform = .equalize
            case .normalize(nil), .normalize(.imagenet?):
                if channels != 3 { report(.conflict, at: at, "imagenet statistics have 3 channels but color is grayscale; give mean and std") }
                transform = imagenet
            case .normalize(.custom(let mean, let std)?):
                if mean.count != std.count || (mean.count != 1 && mean.count != channels) {
                    report(.conflict, at: at, "mean and std need 1 or \(channels) values each (color: \(color.rawValue))")
                }
                let expand = { (v: [Double]) in v.count == 1 ? Array(repeating: v[0], count: channels) : v }
                transform = .normalize(mean: expand(mean), std: expand(std))
            }
            switch transform {
            case .centerCrop(let n) where size.map { n > $0 } ?? false,
                 .randomCrop(let n, _) where size.map { n > $0 + 2 * paddingOf(transform) } ?? false:
                report(.conflict, at: at, "the crop (\(n)) is larger than the image at this point (\(size ?? 0))")
            default: break
            }
            switch transform {
            case .resize(let n), .centerCrop(let n), .randomResizedCrop(let n, _, _), .randomCrop(let n, _): size = n
            default: break
            }
            result.append(transform)
        }
        if size != inputSize {
            let what = size.map { "produce \($0)×\($0) images" } ?? "never set the image size"
            report(.conflict, at: ["data", key], "\(key) \(what) but input_size is \(inputSize); add `- resize: \(inputSize)`")
        }
        return result
    }

    /// A written [low, high] range (the format checks there are two numbers), or the default.
    mutating func range(_ written: [Double]?, default fallback: ClosedInterval, _ name: String, at: [String]) -> ClosedInterval {
        let r = written.map { ClosedInterval($0[0], $0[1]) } ?? fallback
        if r.lower > r.upper { report(.conflict, at: at, "\(name) is a [low, high] range; low must not exceed high") }
        return r
    }

    private func paddingOf(_ t: Transform) -> Int {
        if case .randomCrop(_, let padding) = t { return padding }
        return 0
    }

    // MARK: comparison

    mutating func resolveComparison(_ names: [String]) -> ComparisonPlan {
        let chosen = spec.comparison?.experiments ?? names
        for (i, name) in chosen.enumerated() where !names.contains(name) {
            report(.invalidValue, at: ["comparison", "experiments", "[\(i)]"],
                   "no experiment is named '\(name)'; experiments: \(names.joined(separator: ", "))",
                   suggestion: Suggestion.nearest(to: name, in: names))
        }
        var seen = Set<String>()
        for (i, name) in chosen.enumerated() where !seen.insert(name).inserted {
            report(.conflict, at: ["comparison", "experiments", "[\(i)]"], "'\(name)' is listed twice")
        }
        return ComparisonPlan(name: spec.comparison?.name ?? spec.project, experiments: chosen)
    }

    // MARK: helpers

    func threads(_ t: ThreadsSpec?) -> ThreadCount {
        if case .count(let n)? = t { return .fixed(n) }
        return .auto
    }

    /// An absolute path for a path written at `keys`.
    mutating func path(_ written: String, at keys: [String]) -> String {
        if let problem = PathRules.problem(with: written) { report(.invalidValue, at: keys, problem) }
        return PathRules.absolute(written, relativeTo: directory)
    }

    mutating func report(_ kind: SpecError.Kind, at keys: [String], _ message: String, suggestion: String? = nil) {
        report(kind, in: root, at: keys, message, suggestion: suggestion)
    }

    /// Records an error at the deepest node of `keys` that exists under `node`.
    mutating func report(_ kind: SpecError.Kind, in node: YAMLNode, at keys: [String], _ message: String,
                         suggestion: String? = nil) {
        var current = node
        for key in keys {
            if key.hasPrefix("["), case .sequence(let items) = current.value,
               let i = Int(key.dropFirst().dropLast()), items.indices.contains(i) {
                current = items[i]
            } else if let child = current[key] {
                current = child
            } else {
                break
            }
        }
        let error = SpecError(kind, at: current.mark, path: current.path, message, suggestion: suggestion)
        log.append(error)
    }
}
