// Checks YAML nodes against a Shape, collecting every error with its line:column, key path
// and suggestion, and returns the typed value of what is valid.
import Foundation
import MonkVocabulary

struct ShapeValidator {
    /// Overrides (`defaults`, experiments, sweep values) may leave a tagged object's `type`
    /// out; complete (merged) experiments use the default variant then.
    enum Mode { case partial, complete }

    let mode: Mode
    private var log = ErrorLog()
    var errors: [SpecError] { log.list }

    init(mode: Mode) { self.mode = mode }

    /// The typed value of `node`, or nil when it (or something inside it) is invalid.
    mutating func check(_ node: YAMLNode, _ shape: Shape) -> SpecValue? {
        switch shape {
        case .string(let format): return checkString(node, format)
        case .integer(let low, let high): return checkInteger(node, low, high)
        case .number(let range): return checkNumber(node, range)
        case .boolean:
            guard let text = plainScalar(node, shape) else { return nil }
            if ["true", "True", "TRUE"].contains(text) { return .bool(true) }
            if ["false", "False", "FALSE"].contains(text) { return .bool(false) }
            let hint = ["yes": "true", "on": "true", "no": "false", "off": "false"][text.lowercased()]
            return fail(.wrongType, node, "expected true or false, found \(node.kindDescription)", hint)
        case .falseOnly:
            if case .scalar(let text, true) = node.value, ["false", "False", "FALSE"].contains(text) { return .bool(false) }
            return fail(.wrongType, node, "expected false or a mapping, found \(node.kindDescription)")
        case .keyword(let words, let aliases):
            guard let word = scalarText(node, shape) else { return nil }
            if words.contains(word) { return .string(word) }
            if let target = aliases[word] { return .string(target) }
            return fail(.invalidValue, node, "'\(clipped(word))' is not allowed here; expected one of: \(words.joined(separator: ", "))",
                        Suggestion.nearest(to: word, in: words + aliases.keys.sorted()))
        case .list(let item, let minCount, let maxCount):
            guard case .sequence(let items) = node.value else { return mismatch(node, shape) }
            if items.count < minCount || items.count > maxCount {
                let wanted = minCount == maxCount ? "exactly \(minCount)" : "\(minCount) to \(maxCount)"
                return fail(.outOfRange, node, "expected a list of \(wanted) items, found \(items.count)")
            }
            let values = items.map { check($0, item) }
            return values.contains(where: { $0 == nil }) ? nil : .list(values.compactMap { $0 })
        case .object(let object):
            return checkObject(node, object.fields, extra: [:], context: nil)
        case .names(let valueShape):
            guard let entries = mappingEntries(node, shape) else { return nil }
            var result: [String: SpecValue] = [:]
            var ok = true
            for entry in entries {
                if let problem = NameRules.problem(with: entry.key) {
                    let _: SpecValue? = fail(.unsafeName, at: entry.keyMark, joinPath(node.path, entry.key), problem)
                    ok = false
                    continue
                }
                if let value = check(entry.value, valueShape) { result[entry.key] = value } else { ok = false }
            }
            return ok ? .object(result) : nil
        case .choice(let alternatives):
            return checkChoice(node, alternatives, shape)
        case .tagged(let tagged):
            return checkTagged(node, tagged)
        case .oneKey(let options):
            return checkOneKey(node, options)
        case .grid(let experiment):
            return checkGrid(node, experiment)
        }
    }

    // MARK: scalars

    private mutating func checkString(_ node: YAMLNode, _ format: StringFormat) -> SpecValue? {
        guard let text = scalarText(node, .string(format)) else { return nil }
        switch format {
        case .text, .path:
            if text.isEmpty { return fail(.invalidValue, node, "expected a non-empty string") }
        case .name:
            if let problem = NameRules.problem(with: text) { return fail(.unsafeName, node, problem) }
        case .character:
            if text.count != 1 { return fail(.invalidValue, node, "expected a single character, found \(node.kindDescription)") }
        case .regex:
            do { _ = try NSRegularExpression(pattern: text) } catch {
                return fail(.invalidValue, node, "'\(clipped(text))' is not a valid regular expression")
            }
        }
        return .string(text)
    }

    private mutating func checkInteger(_ node: YAMLNode, _ low: Int, _ high: Int) -> SpecValue? {
        guard let text = plainScalar(node, .integer(min: low, max: high)) else { return nil }
        let digits = text.hasPrefix("+") || text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            return fail(.wrongType, node, "expected a whole number, found \(node.kindDescription)")
        }
        guard let value = Int(text), value >= low, value <= high else {
            return fail(.outOfRange, node, "\(text.prefix(40)) is out of range; expected a whole number from \(low) to \(high)")
        }
        return .int(value)
    }

    private mutating func checkNumber(_ node: YAMLNode, _ range: NumberRange) -> SpecValue? {
        guard let text = plainScalar(node, .number(range)) else { return nil }
        guard NumberSyntax.isDecimal(text), let value = Double(text) else {
            let hint = text.lowercased().contains("inf") || text.lowercased().contains("nan") ? " (it must be finite)" : ""
            return fail(.wrongType, node, "expected a number, found \(node.kindDescription)\(hint)")
        }
        guard value.isFinite else { return fail(.outOfRange, node, "\(text.prefix(40)) is too large for a number") }
        guard range.contains(value) else {
            return fail(.outOfRange, node, "\(clipped(text)) is out of range; expected a number \(range.description)")
        }
        return .double(value)
    }

    /// The text of a non-null scalar (plain or quoted).
    private mutating func scalarText(_ node: YAMLNode, _ shape: Shape) -> String? {
        guard case .scalar(let text, _) = node.value, !node.isNull else { return mismatch(node, shape) }
        return text
    }

    /// The text of a plain scalar: quoted scalars are strings, never numbers or booleans.
    private mutating func plainScalar(_ node: YAMLNode, _ shape: Shape) -> String? {
        guard case .scalar(let text, true) = node.value, !node.isNull else { return mismatch(node, shape) }
        return text
    }

    // MARK: reporting

    mutating func mismatch<T>(_ node: YAMLNode, _ shape: Shape) -> T? {
        fail(.wrongType, node, "expected \(shape.summary), found \(node.kindDescription)")
    }

    mutating func fail<T>(_ kind: SpecError.Kind, _ node: YAMLNode, _ message: String, _ suggestion: String? = nil) -> T? {
        fail(kind, at: node.mark, node.path, message, suggestion)
    }

    mutating func fail<T>(_ kind: SpecError.Kind, at mark: SourceMark, _ path: String, _ message: String,
                          _ suggestion: String? = nil) -> T? {
        let error = SpecError(kind, at: mark, path: path, message, suggestion: suggestion)
        log.append(error)
        return nil
    }
}

/// YAML 1.2 core-schema decimal numbers (no `.inf`, `.nan`, hex or octal).
enum NumberSyntax {
    static func isDecimal(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
        let exponent = rest.dropFirst(mantissa.count)
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.contains(where: { !$0.isEmpty }),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return false }
        if exponent.isEmpty { return true }
        var e = exponent.dropFirst()
        if e.first == "+" || e.first == "-" { e = e.dropFirst() }
        return !e.isEmpty && e.count <= 6 && e.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
