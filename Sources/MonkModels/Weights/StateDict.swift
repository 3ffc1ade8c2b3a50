// An ordered map from tensor names to Float32 tensors: what every weight format reads into
// and writes from.
import MonkEngine

/// Named tensors in file order. Values are converted to Float32 for the engine; `dtype`
/// remembers the stored type so that writers can keep integer buffers integral.
public struct StateDict: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let tensor: Tensor
        public let dtype: WeightDType
    }

    public private(set) var entries: [Entry] = []
    private var positions: [String: Int] = [:]

    public init() {}

    /// Builds a state dict from float32 tensors; throws on a repeated name.
    public init(_ tensors: [(String, Tensor)]) throws {
        for (name, tensor) in tensors { try append(name, tensor) }
    }

    /// Adds a tensor at the end. A repeated name is an error: a file that names a tensor
    /// twice is ambiguous, whichever copy a reader kept.
    public mutating func append(_ name: String, _ tensor: Tensor, dtype: WeightDType = .float32) throws {
        guard positions[name] == nil else { throw WeightFileError.malformed("tensor \"\(name)\" appears twice") }
        positions[name] = entries.count
        entries.append(Entry(name: name, tensor: tensor, dtype: dtype))
    }

    public subscript(name: String) -> Tensor? {
        positions[name].map { entries[$0].tensor }
    }

    public func entry(_ name: String) -> Entry? { positions[name].map { entries[$0] } }

    public var names: [String] { entries.map(\.name) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// The same tensors under new names (`rename` returns nil to drop an entry).
    public func renamed(_ rename: (String) -> String?) throws -> StateDict {
        var out = StateDict()
        for e in entries {
            if let name = rename(e.name) { try out.append(name, e.tensor, dtype: e.dtype) }
        }
        return out
    }
}
