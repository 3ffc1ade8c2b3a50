// Cache keys: the SHA-256 of a stage's resolved inputs in a fixed, sorted, canonical form.
import Foundation
import MonkData
import MonkVocabulary

/// A stage's named inputs, each reduced to a digest. Names are what `plan` prints when an
/// input changes ("optimizer", "data.files", "upstream load"), so they are chosen for people.
public struct StageInputs: Codable, Equatable, Sendable {
    public private(set) var digests: [String: String] = [:]
    /// The value behind each digest as people read it (JSON with the spec's key spelling, or
    /// a file list), so that `plan` can say what changed (`optimizer.lr 0.01 → 0.001`). Not
    /// part of the key; absent in records of older monkpipes.
    public private(set) var values: [String: String]? = nil

    public init() {}

    /// Adds a typed value, digested as sorted-keys JSON (so YAML key order, comments and
    /// formatting never reach a key; only the resolved value does).
    public mutating func add<T: Encodable>(_ name: String, _ value: T) {
        digests[name] = StageInputs.digest(of: value)
        values = (values ?? [:]).merging([name: StageInputs.readable(value)]) { _, new in new }
    }

    /// Adds an already computed digest (a file's content hash, an upstream stage's key), and
    /// optionally the text it digests, for messages.
    public mutating func add(_ name: String, digest: String, shown: String? = nil) {
        digests[name] = digest
        if let shown { values = (values ?? [:]).merging([name: shown]) { _, new in new } }
    }

    /// Adds every stored property of `value` except `excluded` ones, each under
    /// `prefix` + its name in the spec's spelling (`lrSchedule` → `lr_schedule`) and digested
    /// like `add`. Properties are found by reflection, so a property added to a plan type
    /// enters the keys that read the type without being listed; only exclusions are written
    /// down (`KeyScope`, with their reasons).
    mutating func addProperties<T>(of value: T, prefix: String = "", excluding excluded: KeyExclusions) {
        addProperties(of: value, prefix: prefix) { excluded[$0] == nil }
    }

    /// Adds the stored properties of `value` that `included` names (see the other form).
    mutating func addProperties<T>(of value: T, prefix: String = "", only included: Set<String>) {
        addProperties(of: value, prefix: prefix) { included.contains($0) }
    }

    private mutating func addProperties<T>(of value: T, prefix: String, where wanted: (String) -> Bool) {
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, wanted(label) else { continue }
            if KeyScope.absentLeavesKey.contains(label), Self.isAbsent(child.value) { continue }
            // Plan types are Codable throughout; a property that is not is a programming error.
            guard let encodable = child.value as? any Encodable else {
                preconditionFailure("\(T.self).\(label) is not Encodable and cannot enter a cache key")
            }
            add(prefix + Self.specName(label), encodable)
        }
    }

    /// Whether `value` is an optional holding nothing.
    static func isAbsent(_ value: Any) -> Bool {
        let mirror = Mirror(reflecting: value)
        return mirror.displayStyle == .optional && mirror.children.isEmpty
    }

    /// A Swift property name in the spec's snake_case (`freezeBaseNetwork` → `freeze_base_network`).
    static func specName(_ property: String) -> String {
        var out = ""
        for c in property {
            if c.isUppercase {
                out += "_" + c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }

    public static func digest<T: Encodable>(of value: T) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plan values cannot fail (no non-finite floats are representable in a plan
        // that passed validation); a failure is a programming error worth stopping on.
        let data = try! enc.encode(value)
        return SHA256.hex(data)
    }

    /// `value` as sorted-keys JSON with the spec's key spelling (`step_size`), for messages.
    static func readable<T: Encodable>(_ value: T) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        enc.keyEncodingStrategy = .convertToSnakeCase
        return (try? enc.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Names whose digest differs between `old` and `self`, plus names only one side has.
    public func changes(since old: StageInputs) -> [String] {
        Set(digests.keys).union(old.digests.keys).filter { digests[$0] != old.digests[$0] }.sorted()
    }
}

/// A stage's identity within a pipeline ("train/lr0.01-resnet18_v1") and its content key.
public struct StageKey: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public let hex: String

    /// SHA-256 over "monkpipe-stage v<format>", the kind, and every `name=digest` line in
    /// sorted name order.
    public init(kind: StageKind, inputs: StageInputs, format: Int = MonkpipeVersion.format) {
        var text = "monkpipe-stage v\(format)\nkind=\(kind.rawValue)\n"
        for name in inputs.digests.keys.sorted() {
            text += "\(name)=\(inputs.digests[name]!)\n"
        }
        hex = SHA256.hex(text)
    }

    /// A key written down elsewhere (a checkpoint's sidecar, a stage record's inputs); nil
    /// unless it is 64 lowercase hex digits, so that it can name no file but its own.
    init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        self.hex = hex
    }

    public var short: String { String(hex.prefix(12)) }
    public var description: String { short }
}
