// Expands a sweep grid into points, each with a readable, path-safe name such as
// `lr0.01-resnet18_v1` and the overrides it applies.

enum Sweep {
    /// More experiments than this is a typo (or an attack), not a plan for two cores.
    static let maxPoints = 256

    struct Point {
        var name: String
        /// Overrides to lay over the experiment, one nested mapping per swept key.
        var overrides: [YAMLNode]
    }

    /// Every combination of the grid's values. Keys are taken in sorted order, so the
    /// expansion does not depend on how the keys are ordered in the file.
    static func points(of grid: YAMLNode, experiment: ObjectShape) -> Result<[Point], SpecError> {
        let axes = (grid.entries ?? []).sorted { $0.key < $1.key }.map { entry -> (key: String, values: [YAMLNode]) in
            if case .sequence(let items) = entry.value.value { return (entry.key, items) }
            return (entry.key, [])
        }
        var total = 1
        for axis in axes {
            let (product, overflow) = total.multipliedReportingOverflow(by: axis.values.count)
            guard !overflow, product <= maxPoints else {
                return .failure(SpecError(.outOfRange, at: grid.mark, path: grid.path,
                    "the sweep expands into more than \(maxPoints) experiments; sweep fewer values"))
            }
            total = product
        }
        let shapes = experiment.dottedPaths()
        // Names follow the sorted keys; overrides are laid in `applicationOrder`, so that a
        // swept `optimizer.type` replaces the optimizer before a swept `optimizer.lr` is set
        // in it (in name order the new type would throw the swept rate away).
        let order = axes.indices.sorted { applicationOrder(axes[$0].key).lexicographicallyPrecedes(applicationOrder(axes[$1].key)) }
        var points: [(name: String, values: [YAMLNode])] = [("", [])]
        for axis in axes {
            let shape = shapes.first { $0.path == axis.key }?.shape
            points = points.flatMap { point in
                axis.values.enumerated().map { index, value in
                    let label = segment(key: axis.key, value: value, index: index, shape: shape)
                    return (point.name.isEmpty ? label : point.name + "-" + label, point.values + [value])
                }
            }
        }
        return .success(axes.isEmpty ? [] : points.map { point in
            Point(name: point.name, overrides: overrides(order.map { (axes[$0].key, point.values[$0]) }))
        })
    }

    /// One point's overrides, in application order. A swept `X.type` and the swept keys inside
    /// `X` become one override (`X: {type: adam, lr: 0.01}`): the new variant replaces `X`
    /// whole and keeps the swept values, and the defaults' own `lr` is what it replaces (no
    /// warning that the swept rate is lost, because it is not).
    static func overrides(_ values: [(key: String, value: YAMLNode)]) -> [YAMLNode] {
        var out: [YAMLNode] = []
        var used = Set<Int>()
        for (i, entry) in values.enumerated() where !used.contains(i) {
            let parts = entry.key.split(separator: ".").map(String.init)
            guard parts.count > 1, parts.last == TaggedShape.tagKey else {
                out.append(Overlay.nest(entry.value, at: parts))
                continue
            }
            let prefix = Array(parts.dropLast())
            var setting = Overlay.nest(entry.value, at: [TaggedShape.tagKey])
            for (j, inner) in values.enumerated() where j > i && !used.contains(j) {
                let innerParts = inner.key.split(separator: ".").map(String.init)
                guard innerParts.count > prefix.count, Array(innerParts.prefix(prefix.count)) == prefix else { continue }
                setting = combine(setting, Overlay.nest(inner.value, at: Array(innerParts.dropFirst(prefix.count))))
                used.insert(j)
            }
            out.append(Overlay.nest(setting, at: prefix))
        }
        return out
    }

    /// Two nested overrides as one: mappings key by key, otherwise the later value.
    static func combine(_ a: YAMLNode, _ b: YAMLNode) -> YAMLNode {
        guard var entries = a.entries, let more = b.entries else { return b }
        for entry in more {
            if let i = entries.firstIndex(where: { $0.key == entry.key }) {
                entries[i] = YAMLEntry(key: entry.key, keyMark: entries[i].keyMark, value: combine(entries[i].value, entry.value))
            } else {
                entries.append(entry)
            }
        }
        return YAMLNode(.mapping(entries), mark: a.mark, path: a.path)
    }

    /// Where a swept key's override goes among a point's overrides: a setting's variant
    /// (`optimizer.type`, or `optimizer` itself) before the settings inside it
    /// (`optimizer.lr`), then by key.
    static func applicationOrder(_ key: String) -> [String] {
        var parts = key.split(separator: ".").map(String.init)
        if parts.count > 1, parts.last == TaggedShape.tagKey { parts.removeLast() }
        return parts
    }

    /// `resnet18_v1` for words, `lr0.01` for numbers and flags (the key's last part and the
    /// value as written), `early_stopping2` for mappings and lists (1-based position).
    static func segment(key: String, value: YAMLNode, index: Int, shape: Shape?) -> String {
        let last = key.split(separator: ".").last.map(String.init) ?? key
        guard case .scalar(let text, _) = value.value else { return last + String(index + 1) }
        let safe = String(text.map { c -> Character in
            c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_"
        })
        switch shape {
        case .keyword?, .tagged?: return safe
        default: return last + safe
        }
    }
}
