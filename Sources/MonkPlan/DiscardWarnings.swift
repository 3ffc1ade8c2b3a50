// Warnings for settings an override throws away: a bare word (`optimizer: sgd` in a sweep, an
// experiment or a `--set`) replaces a whole tagged setting, so `nesterov: true` written in the
// defaults silently stops applying. The plan still runs as written; the user is told.

/// Collects `Overlay.Discarded` notes from every merge of a spec and words them once each.
struct DiscardWarnings {
    private var notes: [(note: Overlay.Discarded, experiment: String?)] = []

    mutating func add(_ discarded: [Overlay.Discarded], experiment: String?) {
        notes += discarded.map { ($0, experiment) }
    }

    /// One sentence per replacing value and lost settings, naming the experiments it affects
    /// (a sweep value affects every point that has it), in file order.
    var messages: [String] {
        var order: [String] = []
        var byText: [String: (note: Overlay.Discarded, experiments: [String])] = [:]
        for (note, experiment) in notes {
            let id = Self.sentence(note, experiments: nil)
            if byText[id] == nil { order.append(id); byText[id] = (note, []) }
            if let experiment, !byText[id]!.experiments.contains(experiment) { byText[id]!.experiments.append(experiment) }
        }
        return order.map { id in
            let (note, experiments) = byText[id]!
            return Self.sentence(note, experiments: experiments.isEmpty ? nil : experiments.sorted())
        }
    }

    /// E.g. "the sweep value `optimizer: sgd` (line 33) replaces the whole optimizer setting,
    /// so `momentum: 0.9` (line 27) and `nesterov: true` (line 27) written at defaults.optimizer
    /// are not used (experiments sgd-lr0.002, sgd-lr0.01); write `{type: sgd}` instead …".
    static func sentence(_ n: Overlay.Discarded, experiments: [String]?) -> String {
        let setting = settingName(n.replaced.path)
        let written = "`\(setting): \(flow(n.replacement))`"
        let who: String
        if let option = n.replacement.mark.option {
            who = option
        } else if n.replacement.path.hasPrefix("sweep.") {
            who = "the sweep value \(written) (line \(n.replacement.mark.line))"
        } else {
            who = "\(n.replacement.path): \(flow(n.replacement)) (line \(n.replacement.mark.line))"
        }
        let lost = n.entries.map { entry in
            "`\(entry.key): \(flow(entry.value))`" + (entry.keyMark.option.map { " (\($0))" } ?? " (line \(entry.keyMark.line))")
        }
        let list = lost.count == 1 ? lost[0] : lost.dropLast().joined(separator: ", ") + " and " + lost.last!
        let scope = experiments.map { " (experiment\($0.count == 1 ? "" : "s") \($0.joined(separator: ", ")))" } ?? ""
        let fix: String
        // A mapping merges only with a setting whose `type` is written and the same.
        if n.replacement.entries == nil && n.replacedTag == n.tag {
            fix = "write `{type: \(n.tag)}` instead to keep them (a mapping merges with them)"
        } else {
            fix = "write them beside `type: \(n.tag)` if they are meant for \(n.tag) too"
        }
        return "\(who) replaces the whole \(setting) setting, so \(list) written at \(n.replaced.path) \(lost.count == 1 ? "is" : "are") not used\(scope); \(fix)"
    }

    /// `optimizer` for `defaults.optimizer` or `experiments.a.optimizer`.
    static func settingName(_ path: String) -> String {
        String(path.split(separator: ".").last ?? Substring(path))
    }

    /// A node as short flow YAML: `0.9`, `[0.9, 0.999]`, `{type: adam, lr: 0.001}`.
    static func flow(_ node: YAMLNode) -> String {
        switch node.value {
        case .scalar(let text, let plain): return plain ? clipped(text, 40) : "\"\(clipped(text, 40))\""
        case .sequence(let items): return "[" + items.prefix(6).map(flow).joined(separator: ", ") + (items.count > 6 ? ", …" : "") + "]"
        case .mapping(let entries):
            return "{" + entries.prefix(4).map { "\($0.key): \(flow($0.value))" }.joined(separator: ", ") + (entries.count > 4 ? ", …" : "") + "}"
        }
    }
}
