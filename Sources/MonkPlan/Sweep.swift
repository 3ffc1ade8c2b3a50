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
        var points = [Point(name: "", overrides: [])]
        for axis in axes {
            let shape = shapes.first { $0.path == axis.key }?.shape
            points = points.flatMap { point in
                axis.values.enumerated().map { index, value in
                    let label = segment(key: axis.key, value: value, index: index, shape: shape)
                    return Point(name: point.name.isEmpty ? label : point.name + "-" + label,
                                 overrides: point.overrides + [Overlay.nest(value, at: axis.key)])
                }
            }
        }
        return .success(axes.isEmpty ? [] : points)
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
