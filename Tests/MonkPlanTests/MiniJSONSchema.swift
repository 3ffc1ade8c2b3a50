// A small JSON Schema validator for exactly the keywords SchemaEmitter emits, and a YAML →
// JSON conversion with YAML 1.2 core typing: together they let the tests check that the
// emitted schema accepts and rejects the same documents as the Swift validator.
import Foundation
@testable import MonkPlan

/// JSON of a YAML text, typing plain scalars as YAML 1.2's core schema does.
func jsonValue(ofYAML text: String) -> SpecValue? {
    guard let node = YAMLComposer.compose(text).node else { return nil }
    return jsonValue(node)
}

func jsonValue(_ node: YAMLNode) -> SpecValue {
    switch node.value {
    case .mapping(let entries):
        return .object(Dictionary(entries.map { ($0.key, jsonValue($0.value)) }, uniquingKeysWith: { a, _ in a }))
    case .sequence(let items):
        return .list(items.map(jsonValue))
    case .scalar(let text, let plain):
        guard plain else { return .string(text) }
        if node.isNull { return .null }
        if ["true", "True", "TRUE"].contains(text) { return .bool(true) }
        if ["false", "False", "FALSE"].contains(text) { return .bool(false) }
        if let i = Int(text) { return .int(i) }
        if NumberSyntax.isDecimal(text), let d = Double(text) { return .double(d) }
        return .string(text)
    }
}

/// Validates `value` against `schema`; `root` resolves `#/$defs/...` references.
struct MiniJSONSchema {
    let root: SpecValue

    func accepts(_ value: SpecValue) -> Bool { valid(value, root) }

    private func valid(_ value: SpecValue, _ schema: SpecValue) -> Bool {
        guard case .object(let s) = schema else { return schema == .bool(true) }
        if case .string(let ref)? = s["$ref"] {
            let name = String(ref.dropFirst("#/$defs/".count))
            guard case .object(let defs)? = rootFields["$defs"], let target = defs[name] else { return false }
            if !valid(value, target) { return false }
        }
        if let type = s["type"], !matches(value, type) { return false }
        if case .list(let options)? = s["enum"], !options.contains(where: { same($0, value) }) { return false }
        if let constant = s["const"], !same(constant, value) { return false }
        if case .list(let all)? = s["allOf"], !all.allSatisfy({ valid(value, $0) }) { return false }
        if case .list(let any)? = s["anyOf"], !any.contains(where: { valid(value, $0) }) { return false }
        if let condition = s["if"], let then = s["then"], valid(value, condition), !valid(value, then) { return false }
        switch value {
        case .string(let text):
            if case .int(let n)? = s["minLength"], text.count < n { return false }
            if case .int(let n)? = s["maxLength"], text.count > n { return false }
            if case .string(let p)? = s["pattern"], text.range(of: p, options: .regularExpression) == nil { return false }
        case .int, .double:
            let x = number(value)!
            if let m = number(s["minimum"]), x < m { return false }
            if let m = number(s["maximum"]), x > m { return false }
            if let m = number(s["exclusiveMinimum"]), x <= m { return false }
            if let m = number(s["exclusiveMaximum"]), x >= m { return false }
        case .list(let items):
            if case .int(let n)? = s["minItems"], items.count < n { return false }
            if case .int(let n)? = s["maxItems"], items.count > n { return false }
            if let item = s["items"], !items.allSatisfy({ valid($0, item) }) { return false }
        case .object(let fields):
            return validObject(fields, s)
        case .null, .bool:
            break
        }
        return true
    }

    private func validObject(_ fields: [String: SpecValue], _ s: [String: SpecValue]) -> Bool {
        if case .int(let n)? = s["minProperties"], fields.count < n { return false }
        if case .int(let n)? = s["maxProperties"], fields.count > n { return false }
        if case .list(let required)? = s["required"],
           !required.allSatisfy({ if case .string(let k) = $0 { return fields[k] != nil } else { return false } }) { return false }
        var properties: [String: SpecValue] = [:]
        if case .object(let p)? = s["properties"] { properties = p }
        for (key, child) in fields {
            if let names = s["propertyNames"], !valid(.string(key), names) { return false }
            if let property = properties[key] {
                if !valid(child, property) { return false }
            } else if let extra = s["additionalProperties"], !valid(child, extra) {
                return false
            }
        }
        return true
    }

    private var rootFields: [String: SpecValue] {
        if case .object(let f) = root { return f }
        return [:]
    }

    private func matches(_ value: SpecValue, _ type: SpecValue) -> Bool {
        if case .list(let types) = type { return types.contains { matches(value, $0) } }
        guard case .string(let name) = type else { return false }
        switch (name, value) {
        case ("object", .object), ("array", .list), ("string", .string), ("boolean", .bool), ("null", .null),
             ("integer", .int), ("number", .int), ("number", .double): return true
        case ("integer", .double(let d)): return d == d.rounded()
        default: return false
        }
    }

    private func number(_ value: SpecValue?) -> Double? {
        switch value {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default: return nil
        }
    }

    /// JSON equality (1 and 1.0 are the same number).
    private func same(_ a: SpecValue, _ b: SpecValue) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        return a == b
    }
}
