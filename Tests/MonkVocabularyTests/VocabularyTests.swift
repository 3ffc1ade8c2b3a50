// Every vocabulary: words and aliases are distinct, parsing accepts both, and an unknown
// word is refused with the choices and the nearest word.
import Testing
@testable import MonkVocabulary

@Suite struct VocabularyTests {
    static func check<V: Vocabulary>(_: V.Type) {
        let words = V.acceptedWords
        #expect(words.count == Set(words).count, "\(V.concept): a word or alias is listed twice")
        for value in V.allCases {
            #expect(V(word: value.word) == value)
            #expect(!value.summary.isEmpty, "\(V.concept) \(value.word) has no summary")
            for alias in value.aliasWords { #expect(V(word: alias) == value) }
        }
    }

    @Test func everyVocabularyIsConsistent() {
        Self.check(Architecture.self)
        Self.check(WeightsFramework.self)
        Self.check(StageKind.self)
        Self.check(CheckpointChoice.self)
        Self.check(BadImagePolicy.self)
        Self.check(ColorMode.self)
        Self.check(ValidationMetric.self)
        Self.check(MetricMode.self)
    }

    @Test func unknownWordsNameTheChoicesAndTheNearest() throws {
        #expect(throws: UnknownWord(concept: "stage kind", word: "trian", choices: ["load", "train", "test", "compare"],
                                    suggestion: "train")) { try StageKind.parse("trian") }
        do {
            _ = try Architecture.parse("resnet50v2")
            Issue.record("resnet50v2 was accepted")
        } catch {
            #expect(error.suggestion == "resnet50_v2")
            #expect(error.description.hasPrefix("unknown model 'resnet50v2'; expected one of: resnet18_v1, resnet34_v1"))
            #expect(error.description.hasSuffix("(did you mean 'resnet50_v2'?)"))
        }
        #expect(try Architecture.parse("resnet34") == .resnet34_v1)
        #expect(try CheckpointChoice.parse("final") == .final)
    }

    @Test func stageKindsAreOrderedByDependency() {
        #expect(StageKind.allCases.sorted() == [.load, .train, .test, .compare])
        #expect(StageKind.load < .compare && !(StageKind.test < .train))
    }

    /// Optimal-string-alignment distance: a swap of neighbours is one edit.
    @Test func suggestionDistance() {
        #expect(Suggestion.distance(Array("modle"), Array("model")) == 1)
        #expect(Suggestion.distance(Array("kitten"), Array("sitting")) == 3)
        #expect(Suggestion.nearest(to: "optimiser", in: ["optimizer", "model"]) == "optimizer")
        #expect(Suggestion.nearest(to: "xyz", in: ["optimizer", "model"]) == nil)
    }
}
