// Saving and restoring a module's weights and buffers (BatchNorm running statistics) by
// state-dict name, exactly, for checkpoints and resume.

/// A copy of every parameter and buffer of a module, in state-dict order.
public struct ModuleState: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, Sendable { case parameter, buffer }
        public var name: String
        public var kind: Kind
        public var shape: [Int]
        public var values: PackedFloats
    }
    public var entries: [Entry]

    /// The entry with this state-dict name.
    public subscript(name: String) -> Entry? { entries.first { $0.name == name } }
}

/// Why a snapshot does not fit a module.
public enum SnapshotError: Error, CustomStringConvertible, Equatable {
    /// The module has a tensor the snapshot lacks.
    case missing(String)
    /// The snapshot has a tensor the module lacks.
    case unexpected(String)
    case shapeMismatch(name: String, module: [Int], snapshot: [Int])
    /// A tensor is a parameter on one side and a buffer on the other.
    case kindMismatch(name: String)
    /// The entry's values do not match its own shape (a corrupt snapshot).
    case corrupt(name: String, shape: [Int], values: Int)

    public var description: String {
        switch self {
        case .missing(let n): return "snapshot has no tensor '\(n)' that the model needs"
        case .unexpected(let n): return "snapshot has tensor '\(n)' that the model does not have"
        case let .shapeMismatch(n, m, s): return "tensor '\(n)': model shape \(m), snapshot shape \(s)"
        case .kindMismatch(let n): return "tensor '\(n)' is a parameter on one side and a buffer on the other"
        case let .corrupt(n, shape, count): return "tensor '\(n)' of shape \(shape) holds \(count) values"
        }
    }
}

extension Module {
    /// Copies every parameter value and buffer (not gradients, not `trainable` flags).
    public func snapshot() -> ModuleState {
        let params = namedParameters().map {
            ModuleState.Entry(name: $0.0, kind: .parameter, shape: $0.1.shape, values: PackedFloats($0.1.value))
        }
        let buffers = namedBuffers().map {
            ModuleState.Entry(name: $0.0, kind: .buffer, shape: $0.1.value.shape, values: PackedFloats($0.1.value))
        }
        return ModuleState(entries: params + buffers)
    }

    /// Writes a snapshot back. Every name must match in both directions with equal shapes;
    /// all checks run before the first value is written, so a failed restore changes nothing.
    public func restore(_ state: ModuleState) throws {
        let order = namedParameters().map { ($0.0, ModuleState.Entry.Kind.parameter, $0.1.value) }
            + namedBuffers().map { ($0.0, ModuleState.Entry.Kind.buffer, $0.1.value) }
        var targets: [String: (ModuleState.Entry.Kind, Tensor)] = [:]
        for (n, kind, t) in order { targets[n] = (kind, t) }
        var seen = Set<String>()
        for e in state.entries {
            guard let (kind, t) = targets[e.name] else { throw SnapshotError.unexpected(e.name) }
            guard kind == e.kind else { throw SnapshotError.kindMismatch(name: e.name) }
            guard t.shape == e.shape else { throw SnapshotError.shapeMismatch(name: e.name, module: t.shape, snapshot: e.shape) }
            guard e.values.count == t.count else { throw SnapshotError.corrupt(name: e.name, shape: e.shape, values: e.values.count) }
            seen.insert(e.name)
        }
        if let absent = order.first(where: { !seen.contains($0.0) }) { throw SnapshotError.missing(absent.0) }
        for e in state.entries {
            let t = targets[e.name]!.1
            e.values.values.withUnsafeBufferPointer { src in
                if let base = src.baseAddress { t.data.update(from: base, count: t.count) }
            }
        }
    }
}
