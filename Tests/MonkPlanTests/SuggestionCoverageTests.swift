// "Did you mean" is tested against the tables themselves, not against a few examples: every
// word and key the format accepts, and every word of every vocabulary table, misspelt the way
// people misspell (two neighbouring letters swapped), gets itself suggested. The spec's words
// and keys go through the real validator (values, keys at every level, `type` words and each
// variant's keys, transforms, sweep paths); the tables through `Vocabulary.parse`, which the
// command line and the planner use.
import Testing
@testable import MonkPlan
import MonkVocabulary

@Suite struct SuggestionCoverageTests {
    /// `word` with the two differing neighbouring letters nearest its middle swapped; nil when
    /// no swap changes it.
    static func misspelt(_ word: String) -> String? {
        let letters = Array(word)
        guard letters.count >= 2 else { return nil }
        let middle = Double(letters.count - 2) / 2
        let pairs = (0..<(letters.count - 1)).sorted { abs(Double($0) - middle) < abs(Double($1) - middle) }
        guard let i = pairs.first(where: { letters[$0] != letters[$0 + 1] }) else { return nil }
        var out = letters
        out.swapAt(i, i + 1)
        return String(out)
    }

    /// One misspelling to check: a YAML document checked against a shape must give an error
    /// suggesting `expected`.
    struct Probe: CustomStringConvertible {
        var at: String
        var shape: Shape
        var yaml: String
        var expected: String
        var description: String { "\(at): \(yaml) should suggest '\(expected)'" }
    }

    /// Every probe the format holds, found by walking its shapes.
    static func probes(_ shape: Shape, at path: String, into out: inout [Probe]) {
        func keyProbes(_ names: [String], _ fields: [Field], _ make: (String) -> String, against: Shape, at here: String) {
            for field in fields {
                guard let wrong = misspelt(field.name), !names.contains(wrong) else { continue }
                out.append(Probe(at: here + "." + field.name, shape: against, yaml: make(wrong), expected: field.name))
            }
        }
        switch shape {
        case .keyword(let words, let aliases):
            for word in words {
                guard let wrong = misspelt(word), !words.contains(wrong), aliases[wrong] == nil else { continue }
                out.append(Probe(at: path, shape: shape, yaml: "'\(wrong)'", expected: word))
            }
        case .list(let item, _, _):
            probes(item, at: path + "[]", into: &out)
        case .names(let value):
            probes(value, at: path + ".<name>", into: &out)
        case .choice(let alternatives):
            for alternative in alternatives { probes(alternative, at: path, into: &out) }
        case .object(let object):
            keyProbes(object.fields.map(\.name), object.fields, { "{\($0): 0}" }, against: shape, at: path)
            for field in object.fields { probes(field.shape, at: path + "." + field.name, into: &out) }
        case .tagged(let tagged):
            let tags = tagged.variants.map(\.tag)
            for tag in tags {
                guard let wrong = misspelt(tag), !tags.contains(wrong) else { continue }
                out.append(Probe(at: path + ".type", shape: shape, yaml: "'\(wrong)'", expected: tag))
            }
            for variant in tagged.variants {
                let names = [TaggedShape.tagKey] + variant.fields.map(\.name)
                // A key of another variant gets "not a setting of …" instead, which is right.
                let own = variant.fields.filter { field in !tagged.allFields.contains { $0.name == misspelt(field.name) } }
                keyProbes(names, own, { "{type: \(variant.tag), \($0): 0}" }, against: shape, at: path + "<\(variant.tag)>")
                for field in variant.fields { probes(field.shape, at: path + "<\(variant.tag)>." + field.name, into: &out) }
            }
        case .oneKey(let options):
            let names = options.map(\.name)
            for option in options {
                guard let wrong = misspelt(option.name), !names.contains(wrong) else { continue }
                out.append(Probe(at: path, shape: shape, yaml: "{\(wrong): 0}", expected: option.name))
                if option.bare { out.append(Probe(at: path, shape: shape, yaml: wrong, expected: option.name)) }
                probes(option.shape, at: path + "." + option.name, into: &out)
            }
        case .grid(let experiment):
            let paths = experiment.dottedPaths().map(\.path)
            for dotted in paths {
                var parts = dotted.split(separator: ".").map(String.init)
                guard let wrong = misspelt(parts.removeLast()) else { continue }
                let misspeltPath = (parts + [wrong]).joined(separator: ".")
                guard !paths.contains(misspeltPath) else { continue }
                out.append(Probe(at: path, shape: shape, yaml: "{\(misspeltPath): [0]}", expected: dotted))
            }
        case .string, .integer, .number, .boolean, .falseOnly:
            break
        }
    }

    @Test func everyWordAndKeyOfTheFormatMisspeltIsSuggested() {
        var all: [Probe] = []
        Self.probes(.object(SpecFormat.root), at: "", into: &all)
        // The format has well over a hundred keys and words; far fewer means the walk broke.
        #expect(all.count > 200, "\(all.count) probes")
        var failures: [String] = []
        for probe in all {
            guard let node = YAMLComposer.compose(probe.yaml).node else {
                failures.append("\(probe) — the probe is not YAML")
                continue
            }
            var validator = ShapeValidator(mode: .partial)
            _ = validator.check(node, probe.shape)
            if !validator.errors.contains(where: { $0.suggestion == probe.expected }) {
                failures.append("\(probe) — got \(validator.errors.map { "\($0.message) [\($0.suggestion ?? "no suggestion")]" })")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(all.count):\n\(failures.joined(separator: "\n"))")
    }

    /// Every vocabulary table, through the parse that the command line and the planner use.
    @Test func everyVocabularyWordMisspeltIsSuggested() {
        func check<V: Vocabulary>(_: V.Type) -> [String] {
            V.words.compactMap { word -> String? in
                guard let wrong = Self.misspelt(word), V(word: wrong) == nil else { return nil }
                do throws(UnknownWord) {
                    _ = try V.parse(wrong)
                    return "\(V.concept): '\(wrong)' was accepted"
                } catch {
                    return error.suggestion == word ? nil : "\(V.concept): '\(wrong)' suggests \(error.suggestion ?? "nothing"), not '\(word)'"
                }
            }
        }
        let failures = check(Architecture.self) + check(WeightsFramework.self) + check(OptimizerKind.self)
            + check(ScheduleKind.self) + check(LossKind.self) + check(ColorMode.self) + check(BadImagePolicy.self)
            + check(TransformKind.self) + check(CheckpointChoice.self) + check(ValidationMetric.self)
            + check(MetricMode.self) + check(StageKind.self)
        #expect(failures.isEmpty, "\(failures)")
    }
}
