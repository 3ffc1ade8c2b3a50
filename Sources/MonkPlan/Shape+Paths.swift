// What a shape accepts and how it is described in messages; the dotted key paths a sweep
// may name.

extension Shape {
    /// Whether the node's YAML kind (scalar, list, mapping) can be this shape at all.
    func accepts(_ node: YAMLNode) -> Bool {
        let isScalar: Bool, isList: Bool, isMapping: Bool
        switch node.value {
        case .scalar: (isScalar, isList, isMapping) = (!node.isNull, false, node.isNull)
        case .sequence: (isScalar, isList, isMapping) = (false, true, false)
        case .mapping: (isScalar, isList, isMapping) = (false, false, true)
        }
        switch self {
        case .string, .integer, .number, .boolean, .keyword, .falseOnly: return isScalar
        case .list: return isList
        case .object, .names, .grid: return isMapping
        case .tagged, .oneKey: return isScalar || isMapping
        case .choice(let alternatives): return alternatives.contains { $0.accepts(node) }
        }
    }

    /// "a whole number", "one of: sgd, adam", … for "expected X, found Y" messages.
    var summary: String {
        switch self {
        case .string(.name): return "a name"
        case .string(.path): return "a path"
        case .string(.regex): return "a regular expression"
        case .string(.character): return "a single character"
        case .string(.text): return "a string"
        case .integer: return "a whole number"
        case .number: return "a number"
        case .boolean: return "true or false"
        case .falseOnly: return "false"
        case .keyword(let words, _): return "one of: " + words.joined(separator: ", ")
        case .list(let item, _, _): return "a list of \(item.summary)"
        case .object: return "a mapping"
        case .names: return "a mapping from names to settings"
        case .grid: return "a mapping from dotted keys to lists of values"
        case .tagged(let t): return "one of \(t.variants.map(\.tag).joined(separator: ", ")) or a mapping with `type`"
        case .oneKey: return "a transform"
        case .choice(let alternatives): return alternatives.map(\.summary).joined(separator: " or ")
        }
    }

    /// Paths below this shape (for a sweep), each prefixed with `prefix`.
    func childPaths(_ prefix: String) -> [(path: String, shape: Shape)] {
        switch self {
        case .object(let object):
            return object.dottedPaths(prefix: prefix)
        case .tagged(let tagged):
            let tag = (path: joinPath(prefix, TaggedShape.tagKey), shape: Shape.keyword(tagged.variants.map(\.tag)))
            return [tag] + ObjectShape(fields: tagged.allFields).dottedPaths(prefix: prefix)
        case .choice(let alternatives):
            return alternatives.flatMap { $0.childPaths(prefix) }
        default:
            return []
        }
    }
}

extension ObjectShape {
    /// Every key path into this object (`model`, `optimizer`, `optimizer.lr`, …).
    func dottedPaths(prefix: String = "") -> [(path: String, shape: Shape)] {
        fields.flatMap { field -> [(path: String, shape: Shape)] in
            let path = joinPath(prefix, field.name)
            return [(path, field.shape)] + field.shape.childPaths(path)
        }
    }
}
