// The settings an experiment's results depend on, as the report shows them: the same plan
// properties that enter its train and test keys (KeyScope), so the report lists exactly
// what the cache distinguishes, each in a short readable form.
import MonkPlan
import MonkReport
import MonkVocabulary

enum SettingsText {
    /// One line per property of the experiment (but its name) and per data property in the
    /// train key, in declaration order, named as in the spec.
    static func settings(_ plan: Plan, _ e: ExperimentPlan) -> [Setting] {
        func lines<T>(_ value: T, excluding excluded: KeyExclusions) -> [Setting] {
            Mirror(reflecting: value).children.compactMap { child in
                guard let label = child.label, excluded[label] == nil else { return nil }
                return Setting(StageInputs.specName(label), text(child.value))
            }
        }
        return lines(e, excluding: KeyScope.noEffect["ExperimentPlan"]!)
            + lines(plan.data, excluding: KeyScope.trainData)
    }

    /// A value for people: its own short form where it has one, the word of a vocabulary,
    /// `false` for an absent optional setting, and Swift's description otherwise.
    static func text(_ value: Any) -> String {
        if let described = value as? any ReportText { return described.reportText }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            return mirror.children.first.map { text($0.value) } ?? "false"
        }
        if let list = value as? [Transform] { return list.map(\.reportText).joined(separator: ", ") }
        return String(describing: value)
    }
}

/// A value with a short form for the report.
protocol ReportText {
    var reportText: String { get }
}

extension Pretrained: ReportText {
    var reportText: String {
        switch self {
        case .none: return "false"
        case .imagenet: return "true (ImageNet)"
        case .file(let path): return path
        }
    }
}

extension OptimizerConfig: ReportText {
    var reportText: String {
        switch self {
        case .sgd(let s):
            return "SGD lr \(s.lr) momentum \(s.momentum)\(s.nesterov ? " nesterov" : "") wd \(s.weightDecay)"
        case .adam(let s): return "Adam lr \(s.lr) betas (\(s.beta1), \(s.beta2)) wd \(s.weightDecay)"
        case .adamw(let s): return "AdamW lr \(s.lr) betas (\(s.beta1), \(s.beta2)) wd \(s.weightDecay)"
        case .rmsprop(let s): return "RMSprop lr \(s.lr) alpha \(s.alpha) momentum \(s.momentum) wd \(s.weightDecay)"
        }
    }
}

extension MonkPlan.LRSchedule: ReportText {
    var reportText: String {
        switch self {
        case .fixed: return "fixed"
        case let .step(n, g): return "step ×\(g) every \(n) epoch\(n == 1 ? "" : "s")"
        case let .multistep(m, g): return "multistep ×\(g) at \(m.map(String.init).joined(separator: ", "))"
        case .exponential(let g): return "exponential ×\(g) per epoch"
        case let .cosine(t, eta, w): return "cosine T_max \(t) eta_min \(eta)\(w > 0 ? ", \(w) warm-up epochs" : "")"
        case .plateau(let p): return "plateau ×\(p.factor) after \(p.patience) epochs on \(p.metric.rawValue)"
        }
    }
}

extension MonkPlan.Loss: ReportText {
    var reportText: String {
        func w(_ c: ClassWeights) -> String {
            switch c {
            case .none: return ""
            case .balanced: return ", balanced class weights"
            case .explicit(let l): return ", class weights \(l)"
            }
        }
        switch self {
        case let .crossEntropy(c, s): return "cross-entropy\(w(c))\(s > 0 ? ", label smoothing \(s)" : "")"
        case .binaryCrossEntropy(let c): return "binary cross-entropy\(w(c))"
        }
    }
}

extension EarlyStopping: ReportText {
    var reportText: String { "\(metric.rawValue) \(mode.rawValue), patience \(patience), min_delta \(minDelta)" }
}

extension EvaluationPlan: ReportText {
    var reportText: String {
        let positive: String
        switch positiveClass {
        case .auto: positive = "auto"
        case .named(let name): positive = name
        }
        let cut: String
        switch threshold {
        case .fixed(let x): cut = "\(x)"
        case .youden: cut = "youden"
        }
        return "positive class \(positive), threshold \(cut), bootstrap \(bootstrapSamples) (seed \(bootstrapSeed))"
    }
}

extension Transform: ReportText {
    var reportText: String {
        let word = kind?.word ?? "grayscale"
        switch self {
        case .resize(let n), .centerCrop(let n): return "\(word) \(n)"
        case let .randomResizedCrop(n, scale, ratio): return "\(word) \(n) scale \(scale) ratio \(ratio)"
        case let .randomCrop(n, padding): return "\(word) \(n)" + (padding > 0 ? " padding \(padding)" : "")
        case .horizontalFlip(let p), .verticalFlip(let p): return "\(word) \(p)"
        case .randomRotation(let d): return "\(word) \(d)"
        case let .colorJitter(b, c): return "\(word) brightness \(b) contrast \(c)"
        case let .gaussianBlur(sigma, p): return "\(word) sigma \(sigma) p \(p)"
        case let .randomGamma(gamma, p): return "\(word) gamma \(gamma) p \(p)"
        case let .jpegQuality(quality, p): return "\(word) quality \(quality) p \(p)"
        case let .normalize(mean, std): return "\(word) mean \(mean) std \(std)"
        case .equalize, .grayscale: return word
        }
    }
}
