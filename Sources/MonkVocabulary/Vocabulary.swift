// The shape every fixed set of words in monkpipe shares (models, stage kinds, checkpoint
// choices, …): one enum per concept, its words, aliases and one line of documentation each,
// and the parsing and "did you mean" that the spec format and the command line both use.

/// A concept whose values are a fixed set of words. The raw value is the canonical word;
/// `aliases` are other accepted spellings. The spec format, the JSON Schema, the docs and
/// the command line all take their words from here, so they cannot disagree.
public protocol Vocabulary: RawRepresentable, CaseIterable, Hashable, Sendable, Codable
    where RawValue == String, AllCases == [Self] {
    /// What one word names, for messages ("model", "stage kind").
    static var concept: String { get }
    /// Other accepted spellings (not shown as choices, but accepted and suggested).
    static var aliases: [String: Self] { get }
    /// One line for people: what the word means.
    var summary: String { get }
}

extension Vocabulary {
    public static var aliases: [String: Self] { [:] }

    /// The canonical word.
    public var word: String { rawValue }

    /// The canonical words in declaration order.
    public static var words: [String] { allCases.map(\.rawValue) }

    /// Every accepted spelling: the canonical words, then the aliases sorted.
    public static var acceptedWords: [String] { words + aliases.keys.sorted() }

    /// The aliases of this value, sorted.
    public var aliasWords: [String] { Self.aliases.filter { $0.value == self }.map(\.key).sorted() }

    /// The value a canonical word or an alias names; nil for anything else.
    public init?(word: String) {
        guard let value = Self(rawValue: word) ?? Self.aliases[word] else { return nil }
        self = value
    }

    /// The value `word` names, or an error that lists the choices and the nearest word.
    public static func parse(_ word: String) throws(UnknownWord) -> Self {
        guard let value = Self(word: word) else {
            throw UnknownWord(concept: concept, word: word, choices: words,
                              suggestion: Suggestion.nearest(to: word, in: acceptedWords))
        }
        return value
    }
}

/// A word that names no value of a vocabulary.
public struct UnknownWord: Error, Equatable, Sendable, CustomStringConvertible {
    public var concept: String
    public var word: String
    public var choices: [String]
    public var suggestion: String?

    public init(concept: String, word: String, choices: [String], suggestion: String?) {
        self.concept = concept
        self.word = word
        self.choices = choices
        self.suggestion = suggestion
    }

    public var description: String {
        "unknown \(concept) '\(word.prefix(60))'; expected one of: \(choices.joined(separator: ", "))"
            + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
    }
}
