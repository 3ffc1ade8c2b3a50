// Emits the JSON Schema (draft 2020-12) of the pipeline format from its Shape description,
// for editors' completion and checking. `schemas/monkpipe.schema.json` is this output.
import Foundation

/// The JSON Schema of monkpipe pipeline files.
public enum SpecSchema {
    /// The schema as pretty-printed JSON with sorted keys (stable from run to run), without
    /// a final newline (`print` adds it: `monkpipe schema > schemas/monkpipe.schema.json`).
    public static func jsonSchema() -> String {
        var emitter = SchemaEmitter()
        var root = emitter.emitObject(SpecFormat.root)
        guard case .object(var fields) = root else { return "" }
        fields["$schema"] = .string("https://json-schema.org/draft/2020-12/schema")
        fields["title"] = .string("monkpipe pipeline")
        fields["description"] = .string("A monkpipe pipeline: data, default experiment settings, named experiments, an optional sweep and a comparison. Generated from Sources/MonkPlan/SpecFormat.swift; do not edit.")
        fields["$defs"] = .object(emitter.definitions)
        root = .object(fields)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(root)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

struct SchemaEmitter {
    private(set) var definitions: [String: SpecValue] = [:]

    mutating func emit(_ shape: Shape) -> SpecValue {
        switch shape {
        case .string(let format):
            switch format {
            case .text, .path: return ["type": "string", "minLength": .int(1)]
            case .name: return ["type": "string", "pattern": .string(NameRules.pattern)]
            case .regex: return ["type": "string", "format": "regex"]
            case .character: return ["type": "string", "minLength": .int(1), "maxLength": .int(1)]
            }
        case .integer(let low, let high):
            return ["type": "integer", "minimum": .int(low), "maximum": .int(high)]
        case .number(let range):
            var schema: [String: SpecValue] = ["type": "number"]
            if let min = range.min { schema[range.minExclusive ? "exclusiveMinimum" : "minimum"] = .double(min) }
            if let max = range.max { schema[range.maxExclusive ? "exclusiveMaximum" : "maximum"] = .double(max) }
            return .object(schema)
        case .boolean:
            return ["type": "boolean"]
        case .falseOnly:
            return ["const": .bool(false)]
        case .keyword(let words, let aliases):
            return ["type": "string", "enum": .list((words + aliases.keys.sorted()).map(SpecValue.string))]
        case .list(let item, let minCount, let maxCount):
            return ["type": "array", "items": emit(item), "minItems": .int(minCount), "maxItems": .int(maxCount)]
        case .object(let object):
            return emitObject(object)
        case .names(let value):
            return ["type": nullableObject, "propertyNames": ["pattern": .string(NameRules.pattern)],
                    "additionalProperties": emit(value)]
        case .choice(let alternatives):
            return ["anyOf": .list(alternatives.map { emit($0) })]
        case .tagged(let tagged):
            return emitTagged(tagged)
        case .oneKey(let options):
            var properties: [String: SpecValue] = [:]
            for option in options {
                let value = emit(option.shape)
                properties[option.name] = option.bare ? ["anyOf": [value, ["type": "null"]], "description": .string(option.doc)]
                                                      : ["allOf": [value], "description": .string(option.doc)]
            }
            let bare = options.filter(\.bare).map { SpecValue.string($0.name) }
            return ["anyOf": [["type": "string", "enum": .list(bare)],
                              ["type": "object", "properties": .object(properties), "additionalProperties": .bool(false),
                               "minProperties": .int(1), "maxProperties": .int(1)]]]
        case .grid(let experiment):
            var properties: [String: SpecValue] = [:]
            for (path, shape) in experiment.dottedPaths() {
                properties[path] = ["type": "array", "items": emit(shape), "minItems": .int(1), "maxItems": .int(64)]
            }
            return ["type": nullableObject, "properties": .object(properties), "additionalProperties": .bool(false)]
        }
    }

    /// YAML's empty value (`defaults:`) counts as an empty mapping.
    private let nullableObject: SpecValue = ["object", "null"]

    mutating func emitObject(_ object: ObjectShape) -> SpecValue {
        if let name = object.definition, definitions[name] != nil {
            return ["$ref": .string("#/$defs/\(name)")]
        }
        if let name = object.definition { definitions[name] = .null }   // guards recursion
        var properties: [String: SpecValue] = [:]
        for field in object.fields { properties[field.name] = described(emit(field.shape), field.doc) }
        var schema: [String: SpecValue] = ["type": nullableObject, "properties": .object(properties),
                                           "additionalProperties": .bool(false)]
        let required = object.fields.filter(\.required).map { SpecValue.string($0.name) }
        if !required.isEmpty { schema["required"] = .list(required) }
        guard let name = object.definition else { return .object(schema) }
        definitions[name] = .object(schema)
        return ["$ref": .string("#/$defs/\(name)")]
    }

    /// A tagged setting: a bare word, or a mapping whose `type` limits the other keys.
    mutating func emitTagged(_ tagged: TaggedShape) -> SpecValue {
        let tags = SpecValue.list(tagged.variants.map { .string($0.tag) })
        var properties: [String: SpecValue] = [TaggedShape.tagKey: ["type": "string", "enum": tags]]
        for field in tagged.allFields { properties[field.name] = described(emit(field.shape), field.doc) }
        let rules = tagged.variants.map { variant -> SpecValue in
            let allowed = [TaggedShape.tagKey] + variant.fields.map(\.name)
            // Required settings of a variant are not required here: an experiment may take
            // them from the defaults, and only the merged result is checked for them.
            let then: SpecValue = ["propertyNames": ["enum": .list(allowed.map(SpecValue.string))],
                                   "description": .string("\(variant.tag): \(variant.doc)")]
            return ["if": ["properties": [TaggedShape.tagKey: ["const": .string(variant.tag)]], "required": [.string(TaggedShape.tagKey)]],
                    "then": then]
        }
        return ["anyOf": [["type": "string", "enum": tags],
                          ["type": "object", "properties": .object(properties), "additionalProperties": .bool(false),
                           "allOf": .list(rules)]]]
    }

    private func described(_ schema: SpecValue, _ doc: String) -> SpecValue {
        guard case .object(var fields) = schema else { return schema }
        fields["description"] = .string(doc)
        return .object(fields)
    }
}

extension SpecValue: ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: SpecValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, SpecValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }
}
