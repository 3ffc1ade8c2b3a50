// Readable JSON for the plan's enums whose cases carry one unnamed value (the dataset and
// validation sources' are beside their declarations in MonkVocabulary): `{"sgd": {...}}`
// and `"auto"` rather than Swift's synthesised `{"sgd": {"_0": {...}}}`. The pipeline writes
// the plan into experiment-state.json for people, and hashes it for cache keys.
import MonkVocabulary

extension ThreadCount {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .fixed(n); return }
        guard try c.decode(String.self) == "auto" else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected auto or a count")
        }
        self = .auto
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .auto: try c.encode("auto")
        case .fixed(let n): try c.encode(n)
        }
    }
}

extension Pretrained {
    private enum Key: String, CodingKey { case file }

    public init(from decoder: any Decoder) throws {
        if let word = try? decoder.singleValueContainer().decode(String.self) {
            switch word {
            case "none": self = .none
            case "imagenet": self = .imagenet
            default: throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected none or imagenet"))
            }
            return
        }
        self = .file(path: try decoder.container(keyedBy: Key.self).decode(String.self, forKey: .file))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .none: var c = encoder.singleValueContainer(); try c.encode("none")
        case .imagenet: var c = encoder.singleValueContainer(); try c.encode("imagenet")
        case .file(let path): var c = encoder.container(keyedBy: Key.self); try c.encode(path, forKey: .file)
        }
    }
}
