// A validated value of the spec file, typed by its Shape: the bridge from YAML nodes to the
// Codable Spec (encoded to JSON, then decoded with the synthesised Codable conformances).
import Foundation

/// A JSON-like value whose scalars have already been typed by the spec format.
public enum SpecValue: Codable, Equatable, Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([SpecValue])
    case object([String: SpecValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let b = try? container.decode(Bool.self) { self = .bool(b) }
        else if let i = try? container.decode(Int.self) { self = .int(i) }
        else if let d = try? container.decode(Double.self) { self = .double(d) }
        else if let s = try? container.decode(String.self) { self = .string(s) }
        else if let l = try? container.decode([SpecValue].self) { self = .list(l) }
        else { self = .object(try container.decode([String: SpecValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .list(let l): try container.encode(l)
        case .object(let o): try container.encode(o)
        }
    }

    /// Decodes a Codable type from this value (through JSON, whose types it mirrors).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
    }
}
