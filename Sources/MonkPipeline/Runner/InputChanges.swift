// Why a stage reruns, in words: which inputs changed since this project's last run of it,
// naming the value (`epochs 4 → 6`, `optimizer.lr 0.01 → 0.001`) or the file
// (`train NORMAL/IM-0001.jpeg changed`) where that fits on a line.
import Foundation

struct InputChanges: CustomStringConvertible {
    let old: StageInputs
    let new: StageInputs
    /// The names whose digests differ (`StageInputs.changes`).
    let names: [String]

    /// A detail longer than this falls back to naming the input alone.
    static let detailLimit = 80

    /// "epochs 4 → 6, optimizer changed; its input from load changed": the plan's own inputs
    /// first, then the upstream stages whose keys changed.
    var description: String {
        let plain = names.filter { !$0.hasPrefix("upstream ") }
        let upstream = names.filter { $0.hasPrefix("upstream ") }.map { String($0.dropFirst(9)) }
        var parts: [String] = []
        if !plain.isEmpty { parts.append(plain.map(describe).joined(separator: ", ")) }
        if !upstream.isEmpty { parts.append("its input from " + upstream.joined(separator: ", ") + " changed") }
        return parts.joined(separator: "; ")
    }

    /// One changed input: its detail if both sides' values are known and it is short enough.
    func describe(_ name: String) -> String {
        guard let before = old.values?[name], let after = new.values?[name] else { return "\(name) changed" }
        let detail = name == "data.files" ? Self.fileChanges(before, after) : Self.valueChanges(name, before, after)
        guard let detail, detail.count <= Self.detailLimit else { return "\(name) changed" }
        return detail
    }

    // MARK: values

    /// `lr_schedule.step_size 5 → 3` for one or two changed leaves of the value, or the whole
    /// value `old → new` when its shape changed (`optimizer {"sgd":…} → {"adam":…}`).
    static func valueChanges(_ name: String, _ before: String, _ after: String) -> String? {
        guard let a = parse(before), let b = parse(after) else { return nil }
        var leavesA: [(String, String)] = [], leavesB: [(String, String)] = []
        flatten(a, path: name, into: &leavesA)
        flatten(b, path: name, into: &leavesB)
        let mapA = Dictionary(leavesA, uniquingKeysWith: { x, _ in x })
        let mapB = Dictionary(leavesB, uniquingKeysWith: { x, _ in x })
        let sameShape = Set(mapA.keys) == Set(mapB.keys)
        let changed = leavesB.map(\.0).filter { mapA[$0] != mapB[$0] }
        if sameShape, !changed.isEmpty, changed.count <= 2 {
            return changed.map { "\($0) \(mapA[$0]!) → \(mapB[$0]!)" }.joined(separator: ", ")
        }
        return "\(name) \(before) → \(after)"
    }

    private static func parse(_ text: String) -> Leafy? {
        try? JSONDecoder().decode(Leafy.self, from: Data(text.utf8))
    }

    /// Leaves of a JSON value as (dotted path, text): `optimizer.sgd.lr` → `0.01`.
    private static func flatten(_ value: Leafy, path: String, into out: inout [(String, String)]) {
        switch value {
        case .object(let object):
            if object.isEmpty { out.append((path, "{}")) }
            for key in object.keys.sorted() { flatten(object[key]!, path: "\(path).\(key)", into: &out) }
        case .array(let array):
            if array.isEmpty { out.append((path, "[]")) }
            for (i, item) in array.enumerated() { flatten(item, path: "\(path)[\(i)]", into: &out) }
        case .leaf(let text):
            out.append((path, text))
        }
    }

    /// A JSON value whose scalars are kept as the text people read (`4`, `0.01`, `true`).
    private enum Leafy: Decodable {
        case object([String: Leafy]), array([Leafy]), leaf(String)

        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .leaf("null") }
            else if let b = try? c.decode(Bool.self) { self = .leaf(b ? "true" : "false") }
            else if let i = try? c.decode(Int.self) { self = .leaf(String(i)) }
            else if let d = try? c.decode(Double.self) { self = .leaf(String(d)) }
            else if let s = try? c.decode(String.self) { self = .leaf(s) }
            else if let a = try? c.decode([Leafy].self) { self = .array(a) }
            else { self = .object(try c.decode([String: Leafy].self)) }
        }
    }

    // MARK: files

    /// `train NORMAL/a.jpeg changed`, `2 files added (test PNEUMONIA/b.jpeg, …)`: the lines of
    /// two `DataSources.listing`s compared by split and path.
    static func fileChanges(_ before: String, _ after: String) -> String? {
        func files(_ listing: String) -> [String: Substring] {
            var out: [String: Substring] = [:]
            for line in listing.split(separator: "\n") {
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard fields.count >= 2 else { continue }
                out["\(fields[0]) \(fields[1])"] = line
            }
            return out
        }
        let a = files(before), b = files(after)
        let added = b.keys.filter { a[$0] == nil }.sorted()
        let removed = a.keys.filter { b[$0] == nil }.sorted()
        let changed = b.keys.filter { a[$0] != nil && a[$0] != b[$0] }.sorted()
        var parts: [String] = []
        for (list, verb) in [(changed, "changed"), (added, "added"), (removed, "removed")] where !list.isEmpty {
            if list.count == 1 {
                parts.append("\(list[0]) \(verb)")
            } else {
                parts.append("\(list.count) files \(verb) (\(list[0]), …)")
            }
        }
        return parts.isEmpty ? nil : "data.files: " + parts.joined(separator: ", ")
    }
}
