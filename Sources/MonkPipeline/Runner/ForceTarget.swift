// What `--force` reruns, typed: every stage, every stage of one kind, or one stage. A
// misspelt target is a usage error naming the nearest valid one, never silently ignored.
import MonkPlan

public enum ForceTarget: Sendable, Equatable, Hashable, CustomStringConvertible {
    case all
    case kind(StageKind)
    /// One stage: `train/NAME`, `test/NAME` (an experiment) or `compare/NAME` (the comparison).
    case stage(StageKind, name: String)

    /// The kinds that can be forced by name, and those whose stages carry a name.
    static let kindWords = ["all"] + StageKind.allCases.map(\.rawValue)
    static let namedKinds: [StageKind] = [.train, .test, .compare]

    /// Parses the syntax (`all`, a kind, `kind/NAME`); the name is checked against a plan by
    /// `validate(against:)`. The messages do not repeat the option: the command line's parser
    /// prefixes them with it.
    public init(parsing text: String) throws {
        let syntax = "all, " + StageKind.allCases.map(\.rawValue).joined(separator: ", ") + ", or a stage such as train/NAME"
        if text == "all" { self = .all; return }
        guard let slash = text.firstIndex(of: "/") else {
            guard let kind = StageKind(rawValue: text) else {
                throw UsageError.unknownName(text, what: "stage kind", given: nil, known: Self.kindWords, valid: syntax)
            }
            self = .kind(kind)
            return
        }
        let word = String(text[..<slash]), name = String(text[text.index(after: slash)...])
        if word == StageKind.load.rawValue {
            throw UsageError(message: "the load stage has no name; use --force load")
        }
        guard let kind = StageKind(rawValue: word), Self.namedKinds.contains(kind) else {
            throw UsageError.unknownName(word, what: "stage kind", given: nil,
                                         known: Self.namedKinds.map(\.rawValue), valid: "train/NAME, test/NAME or compare/NAME")
        }
        guard !name.isEmpty else { throw UsageError(message: "name the \(kind == .compare ? "comparison" : "experiment") after the slash") }
        self = .stage(kind, name: name)
    }

    public var description: String {
        switch self {
        case .all: return "all"
        case .kind(let k): return k.rawValue
        case let .stage(k, name): return "\(k.rawValue)/\(name)"
        }
    }

    /// Rejects a stage the plan does not have, suggesting the nearest one that it has.
    public func validate(against plan: Plan) throws {
        guard case let .stage(kind, name) = self else { return }
        let known = kind == .compare ? [plan.comparison.name] : plan.experiments.map(\.name)
        guard !known.contains(name) else { return }
        let stages = known.map { "\(kind.rawValue)/\($0)" }
        throw UsageError.unknownName(description, what: "stage", given: "--force \(description)", known: stages,
                                     valid: stages.joined(separator: ", "))
    }

    func matches(_ s: PlannedStage) -> Bool {
        switch self {
        case .all: return true
        case .kind(let k): return s.kind == k
        case .stage: return description == s.identity
        }
    }
}
