// The values the safe unpickler can produce: plain Python data plus the few torch objects a
// state dict is made of. Nothing here can run code.
import MonkEngine

/// A Python global on the allow-list. `GLOBAL os system` and anything else never becomes a
/// value: the reader throws `forbiddenGlobal` at the opcode that names it.
enum TorchGlobal: Equatable, Sendable {
    case orderedDict
    case rebuildTensorV2
    case rebuildParameter
    case rebuildParameterWithState
    case storageClass(WeightDType)

    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch._utils", "_rebuild_parameter_with_state"): self = .rebuildParameterWithState
        case ("torch", _):
            guard let dtype = WeightDType(torchStorageClass: name) else { return nil }
            self = .storageClass(dtype)
        default: return nil
        }
    }
}

/// A storage named by a persistent id: `('storage', torch.FloatStorage, key, location, numel)`
/// (plus a view descriptor in the legacy format). The bytes are found later by `key`.
struct TorchStorageRef: Equatable, Sendable {
    var key: String
    var dtype: WeightDType
    /// Element count declared in the pickle; checked against the bytes actually present.
    var count: Int
    /// For legacy storage views: the element offset of this view inside storage `key`.
    var elementOffset: Int = 0
}

/// A tensor as `_rebuild_tensor_v2` describes it: a strided view into a storage.
struct TorchTensorRef: Equatable, Sendable {
    var storage: TorchStorageRef
    var storageOffset: Int
    var shape: [Int]
    var strides: [Int]
}

/// An unpickled value. Containers are values (not shared references), so a hostile pickle
/// cannot build cycles; the reader bounds their nesting depth and total size.
indirect enum PickleValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list([PickleValue])
    case dict([PickleEntry])
    case global(TorchGlobal)
    case storage(TorchStorageRef)
    case tensor(TorchTensorRef)

    /// A short name of the kind, for error messages.
    var kind: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .global: return "global"
        case .storage: return "storage"
        case .tensor: return "tensor"
        }
    }

    /// A short, printable rendering of a scalar key for messages (`5`, `"w"`, `None`).
    var summary: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let v): return String(v)
        case .float(let v): return String(v)
        case .string(let s): return "\"" + TerminalText.escaped(String(s.prefix(80))) + "\""
        default: return "(a \(kind))"
        }
    }

    var intValue: Int? {
        if case let .int(v) = self { return Int(exactly: v) }
        return nil
    }

    var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The ints of a tuple or list (tensor sizes and strides).
    var intArray: [Int]? {
        switch self {
        case let .tuple(items), let .list(items):
            var out: [Int] = []
            for item in items {
                guard let v = item.intValue else { return nil }
                out.append(v)
            }
            return out
        default: return nil
        }
    }
}

/// One key/value pair of a pickled dict, in insertion order.
struct PickleEntry: Equatable, Sendable {
    var key: PickleValue
    var value: PickleValue
}
