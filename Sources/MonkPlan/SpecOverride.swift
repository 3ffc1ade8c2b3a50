// `--set KEY=VALUE`: a setting given on the command line, laid over the spec's YAML tree
// before validation, so it is typed, checked and merged exactly as the same value written in
// the file would be, and its errors name the option.
import Foundation
import MonkVocabulary

/// One `--set` option: a dotted key of the spec file and a YAML value.
public struct SpecOverride: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String

    /// Why an option's text is not `KEY=VALUE`.
    public struct SyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses `KEY=VALUE`; the value is YAML (`0.001`, `adam`, `[0.1, 0.01]`, `{type: adam}`).
    public init(parsing text: String) throws(SyntaxError) {
        guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
            throw SyntaxError(description: "--set \(clipped(text)): expected KEY=VALUE, e.g. --set defaults.epochs=1 or --set experiments.adam.optimizer.lr=0.001")
        }
        let key = String(text[..<eq]), value = String(text[text.index(after: eq)...])
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && !$0.contains(where: \.isWhitespace) }) else {
            throw SyntaxError(description: "--set \(clipped(text)): '\(clipped(key))' is not a dotted key such as defaults.optimizer.lr")
        }
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SyntaxError(description: "--set \(clipped(text)): give a value after '=' (YAML, as in the file)")
        }
        self.init(key: key, value: value)
    }

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// The option as the user typed it, for messages and the experiment state.
    public var description: String { "--set \(key)=\(value)" }

    /// The command-line words that give this option again (`--set`, `KEY=VALUE`), for commands
    /// monkpipe writes for others to run (cluster jobs) or prints for the user to type.
    public var arguments: [String] { ["--set", "\(key)=\(value)"] }
}

/// Applies `--set` options to a composed spec.
struct SpecOverrides {
    let overrides: [SpecOverride]
    var errors: [SpecError] = []
    var discarded: [Overlay.Discarded] = []

    init(_ overrides: [SpecOverride]) { self.overrides = overrides }

    /// `root` with every option laid over it, in order (a later option wins).
    mutating func apply(to root: YAMLNode) -> YAMLNode {
        var root = root
        let shape = Shape.object(SpecFormat.root)
        for o in overrides {
            let mark = SourceMark(line: 0, column: 0, option: o.description)
            let composed = YAMLComposer.compose(o.value)
            guard let parsed = composed.node, composed.errors.isEmpty else {
                let why = composed.errors.first?.message ?? "not a YAML value"
                errors.append(SpecError(.syntax, at: mark, path: o.key, "the value is not YAML: \(why)"))
                continue
            }
            let keys = Self.keys(o.key.split(separator: ".").map(String.init), shape: shape, node: root)
            if keys.count > 2, keys[0] == "experiments", root["experiments"]?[keys[1]] == nil {
                // A misspelt name would otherwise add an experiment that trains from defaults.
                let names = (root["experiments"]?.entries ?? []).map(\.key)
                let known = names.isEmpty ? "the file has no experiments section; set defaults.\(keys[2...].joined(separator: ".")) for its one experiment"
                                          : "experiments: \(names.joined(separator: ", "))"
                errors.append(SpecError(.invalidValue, at: mark, path: o.key, "no experiment is named '\(clipped(keys[1]))' in the file; \(known)",
                                        suggestion: Suggestion.nearest(to: keys[1], in: names)))
                continue
            }
            var path = ""
            for key in keys { path = joinPath(path, key) }
            let value = Self.relocated(parsed, to: path, mark: mark)
            var nested = value
            for (i, key) in keys.enumerated().reversed() {
                let parent = keys[..<i].reduce("") { joinPath($0, $1) }
                nested = YAMLNode(.mapping([YAMLEntry(key: key, keyMark: mark, value: nested)]), mark: mark, path: parent)
            }
            root = Overlay.merge(root, nested, shape, discarded: &discarded)
        }
        return root
    }

    /// The keys of `parts` as the spec nests them: an experiment name or a sweep key may
    /// itself hold dots (`experiments.lr0.01.epochs`, `sweep.optimizer.lr`).
    static func keys(_ parts: [String], shape: Shape, node: YAMLNode?) -> [String] {
        guard let first = parts.first else { return [] }
        let rest = Array(parts.dropFirst())
        switch shape {
        case .object(let object):
            guard let field = object.field(first) else { return parts }
            return [first] + keys(rest, shape: field.shape, node: node?[first])
        case .tagged(let tagged):
            guard let field = tagged.allFields.first(where: { $0.name == first }) else { return parts }
            return [first] + keys(rest, shape: field.shape, node: node?[first])
        case .names(let valueShape):
            // The longest run of parts that names an experiment of the file, else one part.
            let count = (1...parts.count).reversed().first { node?[parts[..<$0].joined(separator: ".")] != nil } ?? 1
            let name = parts[..<count].joined(separator: ".")
            return [name] + keys(Array(parts[count...]), shape: valueShape, node: node?[name])
        case .grid:
            return [parts.joined(separator: ".")]
        case .choice(let alternatives):
            let structured = alternatives.first { alternative in
                switch alternative { case .object, .tagged, .names, .grid: true; default: false }
            }
            return structured.map { keys(parts, shape: $0, node: node) } ?? parts
        default:
            return parts
        }
    }

    /// `node` as if written at `path`: its errors point at the option, its key paths at the
    /// setting.
    static func relocated(_ node: YAMLNode, to path: String, mark: SourceMark) -> YAMLNode {
        switch node.value {
        case .scalar:
            return YAMLNode(node.value, mark: mark, path: path)
        case .sequence(let items):
            return YAMLNode(.sequence(items.enumerated().map { relocated($1, to: path + "[\($0)]", mark: mark) }), mark: mark, path: path)
        case .mapping(let entries):
            return YAMLNode(.mapping(entries.map {
                YAMLEntry(key: $0.key, keyMark: mark, value: relocated($0.value, to: joinPath(path, $0.key), mark: mark))
            }), mark: mark, path: path)
        }
    }
}
