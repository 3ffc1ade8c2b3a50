// The defaults the format documents (the "(default: …)" of every key's description, which the
// JSON Schema, `monkpipe schema` and editors show) are the ones the planner applies: writing
// the documented value explicitly must give the same plan as leaving the key out.
import Foundation
import Testing
@testable import MonkPlan

@Suite struct DocumentedDefaultsTests {
    /// One documented default: where the key lives, its value as the docs write it, and the
    /// settings around it that the key needs (a `type`, a required sibling).
    struct Case: CustomStringConvertible {
        var path: [String]
        var literal: String
        var shape: Shape
        var siblings: [String: String]
        var description: String { path.joined(separator: ".") + " = " + literal }
    }

    /// Every "(default: X)" of the format whose X is a value (not a phrase such as "the
    /// project seed"); "X for a, Y for b" and "X; Y for a" give the value for the variant.
    static func cases() -> [Case] {
        var out: [Case] = []
        func visit(_ object: ObjectShape, at path: [String], variant: String?, siblings: [String: String]) {
            for field in object.fields {
                let here = path + [field.name]
                if let text = documentedDefault(field.doc), let literal = value(in: text, variant: variant ?? field.name),
                   acceptsLiteral(field.shape, literal) {
                    out.append(Case(path: here, literal: literal, shape: field.shape, siblings: siblings))
                }
                for inner in objects(in: field.shape) { visit(inner.object, at: here, variant: inner.variant, siblings: inner.siblings) }
            }
        }
        visit(SpecFormat.root, at: [], variant: nil, siblings: [:])
        return out
    }

    /// The objects a shape opens into, with the `type` (and required keys) they need.
    static func objects(in shape: Shape) -> [(object: ObjectShape, variant: String?, siblings: [String: String])] {
        switch shape {
        case .object(let o): return [(o, nil, required(o))]
        case .choice(let alternatives): return alternatives.flatMap { objects(in: $0) }
        case .tagged(let t):
            return t.variants.map { v in
                let o = ObjectShape(fields: v.fields)
                return (o, v.tag, required(o).merging([TaggedShape.tagKey: v.tag]) { a, _ in a })
            }
        default: return []
        }
    }

    /// Sample values for required keys, so the object around a default is valid.
    static func required(_ o: ObjectShape) -> [String: String] {
        let samples = ["csv": "\"a.csv\"", "milestones": "[1]", "mean": "[0.5]", "std": "[0.2]", "train": "data/train", "project": "p"]
        var out: [String: String] = [:]
        for f in o.fields where f.required { out[f.name] = samples[f.name] ?? "?" }
        return out
    }

    static func documentedDefault(_ doc: String) -> String? {
        guard let start = doc.range(of: "(default: ") else { return nil }
        let rest = doc[start.upperBound...]
        guard let end = rest.lastIndex(of: ")") else { return nil }
        return String(rest[..<end])
    }

    /// The value for `variant` in "0.01; 0.001 for adam and adamw", "0.98 for step, 0.1 for
    /// multistep", "1e-4 for DenseNets, else 0", or a single value.
    static func value(in text: String, variant: String) -> String? {
        var general: String?
        for part in text.split(whereSeparator: { $0 == ";" || $0 == "," }).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let words = part.split(separator: " ").map(String.init)
            if words.count >= 3, words[1] == "for" {
                if words.dropFirst(2).contains(where: { $0 == variant }) { return words[0] }
            } else if words.count == 2, words[0] == "else" {
                general = words[1]
            } else if words.count == 1, general == nil {
                general = words[0]
            }
        }
        // A list default ("[0.9, 0.999]") was split at its comma; take it whole.
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { return String(text[...close]) }
        return general
    }

    /// Whether the literal is a value of the shape (phrases, and `none` for an absent string,
    /// are not tested here).
    static func acceptsLiteral(_ shape: Shape, _ literal: String) -> Bool {
        switch shape {
        case .string: return literal != "none"
        case .integer: return Int(literal) != nil
        case .number: return Double(literal) != nil
        case .boolean, .falseOnly: return literal == "true" || literal == "false"
        case .keyword(let words, let aliases): return words.contains(literal) || aliases[literal] != nil
        case .list: return literal.hasPrefix("[")
        case .tagged(let t): return t.variant(literal) != nil
        case .choice(let alternatives): return alternatives.contains { acceptsLiteral($0, literal) }
        default: return false
        }
    }

    /// The minimal spec with the case's key (or only its siblings) written in, as YAML flow
    /// mappings: experiment settings under `defaults`, data settings beside `train`.
    static func spec(_ c: Case, withValue: Bool) -> String {
        func flow(_ entries: [String: String]) -> String {
            "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
        var leaf = c.siblings
        if withValue {
            if case .string = c.shape { leaf[c.path.last!] = "\"\(c.literal)\"" } else { leaf[c.path.last!] = c.literal }
        }
        let outer = Array(c.path.dropLast())
        guard let section = outer.first else {
            return minimal + leaf.map { "\($0.key): \($0.value)\n" }.joined()
        }
        var content = leaf
        if outer.count > 1 {
            var value = flow(leaf)
            for key in outer.dropFirst(2).reversed() { value = "{\(key): \(value)}" }
            content = [outer[1]: value]
        }
        if section == "data" {
            if content["train"] == nil { content["train"] = "data/train" }
            return "project: p\ndata: \(flow(content))\n"
        }
        return minimal + "\(section): \(flow(content))\n"
    }

    @Test func everyDocumentedDefaultIsTheAppliedOne() throws {
        let cases = Self.cases()
        // The format documents this many literal defaults today; fewer means the parser above
        // stopped finding them, not that they are right.
        #expect(cases.count >= 40, "\(cases)")
        for c in cases {
            let with = Self.spec(c, withValue: true), without = Self.spec(c, withValue: false)
            let planned = (plan(with), plan(without))
            #expect(planned.0 != nil, "\(c): \(with) → \(planErrors(with))")
            #expect(planned.1 != nil, "\(c): \(without) → \(planErrors(without))")
            #expect(planned.0 == planned.1, "\(c): writing the documented default changes the plan\n\(with)")
        }
    }
}
