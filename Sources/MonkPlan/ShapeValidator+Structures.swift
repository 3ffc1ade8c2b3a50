// Validation of the structured shapes: objects (unknown and missing keys), alternatives,
// tagged objects (`type: adam`), one-key list items (transforms) and sweep grids.
import MonkVocabulary

extension ShapeValidator {
    /// The entries of a mapping; YAML's "nothing" (`data:` with no value) is an empty mapping.
    mutating func mappingEntries(_ node: YAMLNode, _ shape: Shape) -> [YAMLEntry]? {
        if node.isNull { return [] }
        guard let entries = node.entries else { return mismatch(node, shape) }
        return entries
    }

    /// Checks a mapping against `fields`; `extra` are keys handled by the caller (a tagged
    /// object's `type`); `context` explains why a known-elsewhere key is not allowed here.
    mutating func checkObject(_ node: YAMLNode, _ fields: [Field], extra: [String: SpecValue],
                              context: (others: [Field], owner: String)?, enforceRequired: Bool = true) -> SpecValue? {
        guard let entries = mappingEntries(node, .object(ObjectShape(fields: fields))) else { return nil }
        var result = extra
        var ok = true
        for entry in entries where extra[entry.key] == nil {
            guard let field = fields.first(where: { $0.name == entry.key }) else {
                let path = joinPath(node.path, entry.key)
                let names = fields.map(\.name) + extra.keys.sorted()
                if let context, context.others.contains(where: { $0.name == entry.key }) {
                    let _: SpecValue? = fail(.unknownKey, at: entry.keyMark, path,
                        "'\(clipped(entry.key))' is not a setting of \(context.owner); it takes \(names.joined(separator: ", "))")
                } else {
                    let _: SpecValue? = fail(.unknownKey, at: entry.keyMark, path,
                        "unknown key '\(clipped(entry.key))'; expected one of: \(names.joined(separator: ", "))",
                        Suggestion.nearest(to: entry.key, in: names))
                }
                ok = false
                continue
            }
            if let value = check(entry.value, field.shape) { result[entry.key] = value } else { ok = false }
        }
        for field in fields where enforceRequired && field.required && !entries.contains(where: { $0.key == field.name }) {
            let _: SpecValue? = fail(.missingKey, node, "missing required key '\(field.name)' (\(field.doc))")
            ok = false
        }
        return ok ? .object(result) : nil
    }

    mutating func checkChoice(_ node: YAMLNode, _ alternatives: [Shape], _ shape: Shape) -> SpecValue? {
        let fitting = alternatives.filter { $0.accepts(node) }
        if fitting.count == 1 { return check(node, fitting[0]) }
        var trialErrors: [SpecError] = []
        for alternative in fitting {
            var trial = ShapeValidator(mode: mode)
            if let value = trial.check(node, alternative) { return value }
            trialErrors += trial.errors
        }
        // A misspelt word beats "expected a number or one of: youden".
        if let spelled = trialErrors.first(where: { $0.suggestion != nil }) {
            return fail(spelled.kind, at: spelled.mark, spelled.keyPath, spelled.message, spelled.suggestion)
        }
        return mismatch(node, shape)
    }

    mutating func checkTagged(_ node: YAMLNode, _ tagged: TaggedShape) -> SpecValue? {
        let tags = tagged.variants.map(\.tag)
        let tagShape = Shape.keyword(tags)
        if case .scalar = node.value, !node.isNull {
            return check(node, tagShape).map { .object([TaggedShape.tagKey: $0]) }
        }
        var variant: TaggedShape.Variant?
        if let tagNode = node[TaggedShape.tagKey] {
            guard case .string(let tag)? = check(tagNode, tagShape) else { return nil }
            variant = tagged.variant(tag)
        } else if mode == .complete {
            variant = tagged.variant(tagged.defaultTag)
        }
        guard let variant else {
            return checkObject(node, [Field(name: TaggedShape.tagKey, shape: tagShape, doc: "")] + tagged.allFields,
                               extra: [:], context: nil)
        }
        let tagField = Field(name: TaggedShape.tagKey, shape: tagShape, doc: "")
        // An override may rely on the defaults for a required setting (`milestones`): only
        // the merged experiment must have it.
        let value = checkObject(node, [tagField] + variant.fields, extra: [:],
                                context: (tagged.allFields, variant.tag), enforceRequired: mode == .complete)
        guard case .object(var fields)? = value else { return nil }
        fields[TaggedShape.tagKey] = .string(variant.tag)
        return .object(fields)
    }

    mutating func checkOneKey(_ node: YAMLNode, _ options: [OneKeyOption]) -> SpecValue? {
        let names = options.map(\.name)
        switch node.value {
        case .scalar(let word, _) where !node.isNull:
            guard let option = options.first(where: { $0.name == word }) else {
                return fail(.invalidValue, node, "'\(clipped(word))' is not a transform; expected one of: \(names.joined(separator: ", "))",
                            Suggestion.nearest(to: word, in: names))
            }
            guard option.bare else {
                return fail(.missingKey, node, "'\(clipped(word))' needs a value: write `\(clipped(word)): …` (\(option.doc))")
            }
            return .object([word: .null])
        case .mapping(let entries) where entries.count == 1:
            let entry = entries[0]
            guard let option = options.first(where: { $0.name == entry.key }) else {
                return fail(.unknownKey, at: entry.keyMark, joinPath(node.path, entry.key),
                            "'\(clipped(entry.key))' is not a transform; expected one of: \(names.joined(separator: ", "))",
                            Suggestion.nearest(to: entry.key, in: names))
            }
            if entry.value.isNull && option.bare { return .object([entry.key: .null]) }
            return check(entry.value, option.shape).map { .object([entry.key: $0]) }
        case .mapping(let entries):
            return fail(.wrongType, node,
                        "a transform is one `name: value` pair, found \(entries.count) keys (is a `-` missing?)")
        default:
            return fail(.wrongType, node, "expected a transform (`name: value` or a name), found \(node.kindDescription)")
        }
    }

    mutating func checkGrid(_ node: YAMLNode, _ experiment: ObjectShape) -> SpecValue? {
        guard let entries = mappingEntries(node, .grid(experiment)) else { return nil }
        let paths = experiment.dottedPaths()
        var result: [String: SpecValue] = [:]
        var ok = true
        for entry in entries {
            guard let shape = paths.first(where: { $0.path == entry.key })?.shape else {
                let _: SpecValue? = fail(.unknownKey, at: entry.keyMark, joinPath(node.path, entry.key),
                    "'\(clipped(entry.key))' is not a setting of an experiment (sweep keys are dotted paths such as optimizer.lr)",
                    Suggestion.nearest(to: entry.key, in: paths.map(\.path)))
                ok = false
                continue
            }
            if let value = check(entry.value, .list(shape, minCount: 1, maxCount: 64)) { result[entry.key] = value } else { ok = false }
        }
        return ok ? .object(result) : nil
    }
}

/// Names that become folder names: one safe path component each.
enum NameRules {
    static let maxLength = 100

    /// Why `name` is not a safe single path component, or nil when it is.
    static func problem(with name: String) -> String? {
        let allowed = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-" || c == ".") }
        let startsWell = name.first.map { $0.isASCII && ($0.isLetter || $0.isNumber) } ?? false
        if !name.isEmpty, name.count <= maxLength, startsWell, name.allSatisfy(allowed) { return nil }
        return "'\(name.prefix(60))' is not a safe name: it becomes a folder name, so use 1–\(maxLength) letters, digits, '_', '-' or '.', starting with a letter or digit"
    }

    /// The same rule as a regular expression, for the JSON Schema.
    static let pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,\(maxLength - 1)}$"
}
