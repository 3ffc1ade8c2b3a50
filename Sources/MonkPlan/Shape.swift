// A small description language for the spec format. One description drives validation of
// YAML nodes (with suggestions), the typed value handed to the Codable Spec, and the JSON
// Schema for editors, so the three cannot drift apart.
import MonkVocabulary

/// What a node of the spec file may be.
indirect enum Shape: Sendable {
    case string(StringFormat)
    case integer(min: Int, max: Int)
    case number(NumberRange)
    case boolean
    /// One of a fixed set of words; `aliases` are accepted and replaced by their target.
    case keyword([String], aliases: [String: String] = [:])
    case list(Shape, minCount: Int, maxCount: Int)
    case object(ObjectShape)
    /// A mapping from user-chosen names (safe path components) to values of one shape.
    case names(Shape)
    /// The first alternative whose YAML kind (scalar type, list, mapping) fits.
    case choice([Shape])
    /// An object with a `type` word choosing the set of settings; the bare word is short
    /// for the object with defaults.
    case tagged(TaggedShape)
    /// A list item written as `name: value`, or just `name` when the value has a default.
    case oneKey([OneKeyOption])
    /// Dotted key paths into the experiment shape, each with a list of values to try.
    case grid(ObjectShape)
    /// `false` only (used to switch a setting off beside its object form).
    case falseOnly
}

extension Shape {
    /// The words of a vocabulary, with its aliases.
    static func words<V: Vocabulary>(_: V.Type) -> Shape {
        .keyword(V.words, aliases: V.aliases.mapValues(\.rawValue))
    }
}

enum StringFormat: Sendable {
    case text
    /// A safe single path component (project, experiment and comparison names).
    case name
    case path
    case regex
    case character
}

struct NumberRange: Sendable {
    var min: Double?
    var max: Double?
    var minExclusive = false
    var maxExclusive = false

    static let any = NumberRange()
    static let nonNegative = NumberRange(min: 0)
    static let positive = NumberRange(min: 0, minExclusive: true)
    static let unit = NumberRange(min: 0, max: 1)
    static let openUnit = NumberRange(min: 0, max: 1, minExclusive: true, maxExclusive: true)

    func contains(_ x: Double) -> Bool {
        if let min, minExclusive ? x <= min : x < min { return false }
        if let max, maxExclusive ? x >= max : x > max { return false }
        return true
    }

    var description: String {
        let low = min.map { (minExclusive ? "> " : "≥ ") + format($0) }
        let high = max.map { (maxExclusive ? "< " : "≤ ") + format($0) }
        return [low, high].compactMap { $0 }.joined(separator: " and ")
    }

    private func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

/// A key of an object: its shape and a sentence for people (emitted as the schema's
/// description).
struct Field: Sendable {
    var name: String
    var shape: Shape
    var doc: String
    var required = false
}

struct ObjectShape: Sendable {
    var fields: [Field]
    /// Emitted once under `$defs` and referenced, when the same object appears in many places.
    var definition: String? = nil

    func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}

struct TaggedShape: Sendable {
    struct Variant: Sendable {
        var tag: String
        var fields: [Field]
        var doc: String
    }

    var variants: [Variant]
    /// The variant used when `type` is left out of a complete (merged) experiment.
    var defaultTag: String

    static let tagKey = "type"

    func variant(_ tag: String) -> Variant? { variants.first { $0.tag == tag } }

    /// Every field of every variant, without repeats, in declaration order.
    var allFields: [Field] {
        var seen = Set<String>()
        return variants.flatMap(\.fields).filter { seen.insert($0.name).inserted }
    }
}

struct OneKeyOption: Sendable {
    var name: String
    var shape: Shape
    /// Whether the bare name (`- horizontal_flip`) is allowed.
    var bare: Bool
    var doc: String
}
