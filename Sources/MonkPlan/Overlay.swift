// Lays an experiment's overrides over the defaults, node by node, so that the merged
// settings keep the line:column where each value was written; and notes the settings an
// override throws away, so that they are not lost in silence.

enum Overlay {
    /// Settings written under a tagged setting (`optimizer: {type: sgd, nesterov: true}`) that
    /// an override replacing the setting whole (`optimizer: sgd`) leaves unused.
    struct Discarded {
        /// The replacing value, where it was written (a sweep value, an experiment's setting,
        /// a `--set` option).
        var replacement: YAMLNode
        /// The replaced setting's own node.
        var replaced: YAMLNode
        /// The replacing variant (`sgd`), and the replaced one.
        var tag: String
        var replacedTag: String?
        /// The replaced setting's entries that the replacing variant also takes: the ones a
        /// user could have meant to keep (adam has no `nesterov`, so dropping it is no loss).
        var entries: [YAMLEntry]
    }

    /// `top` over `base`: mappings merge key by key; a tagged setting whose `type` changes
    /// (`optimizer: {type: adam}` over sgd) or that is written as a bare word is replaced
    /// whole; everything else is replaced.
    static func merge(_ base: YAMLNode, _ top: YAMLNode, _ shape: Shape) -> YAMLNode {
        var ignored: [Discarded] = []
        return merge(base, top, shape, discarded: &ignored)
    }

    /// The same, noting in `discarded` every tagged setting replaced whole with settings the
    /// new variant would have taken.
    static func merge(_ base: YAMLNode, _ top: YAMLNode, _ shape: Shape, discarded: inout [Discarded]) -> YAMLNode {
        if top.isNull, base.entries != nil || base.isNull { return base }
        switch shape {
        case .object(let object):
            return mergeMappings(base, top, discarded: &discarded) { object.field($0)?.shape }
        case .names(let valueShape):
            // `--set experiments.NAME.…` reaches one experiment and leaves the others as written.
            return mergeMappings(base, top, discarded: &discarded) { _ in valueShape }
        case .grid:
            // A sweep key set on the command line replaces that key's list only.
            return mergeMappings(base, top, discarded: &discarded) { _ in nil }
        case .choice(let alternatives):
            guard base.entries != nil, top.entries != nil,
                  let mapped = alternatives.first(where: { if case .object = $0 { return true } else { return false } })
            else { return top }
            return merge(base, top, mapped, discarded: &discarded)
        case .tagged(let tagged):
            let baseTag = tag(of: base), topTag = tag(of: top)
            guard top.entries != nil, topTag == nil || topTag == baseTag else {
                if let note = discard(base, by: top, tagged) { discarded.append(note) }
                return top
            }
            var expanded = base
            if case .scalar = base.value, !base.isNull {
                expanded = YAMLNode(.mapping([YAMLEntry(key: TaggedShape.tagKey, keyMark: base.mark, value: base)]),
                                    mark: base.mark, path: base.path)
            }
            return mergeMappings(expanded, top, discarded: &discarded) { key in tagged.allFields.first { $0.name == key }?.shape }
        default:
            return top
        }
    }

    /// What replacing `base` whole by `top` throws away, if anything worth a word.
    private static func discard(_ base: YAMLNode, by top: YAMLNode, _ tagged: TaggedShape) -> Discarded? {
        // An unknown word is an error the validator reports, not a warning.
        guard let baseEntries = base.entries, let word = tag(of: top), let variant = tagged.variant(word) else { return nil }
        let rewritten = Set((top.entries ?? []).map(\.key))
        let lost = baseEntries.filter { entry in
            entry.key != TaggedShape.tagKey && !rewritten.contains(entry.key) && variant.fields.contains { $0.name == entry.key }
        }
        guard !lost.isEmpty else { return nil }
        return Discarded(replacement: top, replaced: base, tag: variant.tag, replacedTag: tag(of: base), entries: lost)
    }

    /// The `type` word of a tagged setting written as a word or as a mapping.
    static func tag(of node: YAMLNode) -> String? {
        switch node.value {
        case .scalar(let word, _): return node.isNull ? nil : word
        case .mapping:
            if case .scalar(let word, _)? = node[TaggedShape.tagKey]?.value { return word }
            return nil
        case .sequence: return nil
        }
    }

    private static func mergeMappings(_ base: YAMLNode, _ top: YAMLNode, discarded: inout [Discarded],
                                      shapeOf: (String) -> Shape?) -> YAMLNode {
        guard let topEntries = top.entries else { return top }
        guard var entries = base.entries else { return top }
        for entry in topEntries {
            if let i = entries.firstIndex(where: { $0.key == entry.key }) {
                let merged = shapeOf(entry.key).map { merge(entries[i].value, entry.value, $0, discarded: &discarded) } ?? entry.value
                entries[i] = YAMLEntry(key: entry.key, keyMark: entry.keyMark, value: merged)
            } else {
                entries.append(entry)
            }
        }
        // A `--set` reaches into the file's mapping: errors about the mapping itself (a missing
        // required key) still point at the file.
        let fromOption = top.mark.option != nil
        return YAMLNode(.mapping(entries), mark: fromOption ? base.mark : top.mark, path: fromOption ? base.path : top.path)
    }

    /// A mapping holding `value` at the dotted `path` (`optimizer.lr` → {optimizer: {lr: v}}).
    static func nest(_ value: YAMLNode, at path: String) -> YAMLNode {
        nest(value, at: path.split(separator: ".").map(String.init))
    }

    /// A mapping holding `value` under the keys `keys`, outermost first.
    static func nest(_ value: YAMLNode, at keys: [String]) -> YAMLNode {
        keys.reversed().reduce(value) { inner, key in
            YAMLNode(.mapping([YAMLEntry(key: key, keyMark: value.mark, value: inner)]), mark: value.mark, path: value.path)
        }
    }

    /// An empty mapping standing for settings that were not written.
    static func empty(at mark: SourceMark, path: String) -> YAMLNode {
        YAMLNode(.mapping([]), mark: mark, path: path)
    }
}
