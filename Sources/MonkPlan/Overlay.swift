// Lays an experiment's overrides over the defaults, node by node, so that the merged
// settings keep the line:column where each value was written.

enum Overlay {
    /// `top` over `base`: mappings merge key by key; a tagged setting whose `type` changes
    /// (`optimizer: {type: adam}` over sgd) or that is written as a bare word is replaced
    /// whole; everything else is replaced.
    static func merge(_ base: YAMLNode, _ top: YAMLNode, _ shape: Shape) -> YAMLNode {
        if top.isNull, base.entries != nil || base.isNull { return base }
        switch shape {
        case .object(let object):
            return mergeMappings(base, top) { object.field($0)?.shape }
        case .choice(let alternatives):
            guard base.entries != nil, top.entries != nil,
                  let mapped = alternatives.first(where: { if case .object = $0 { return true } else { return false } })
            else { return top }
            return merge(base, top, mapped)
        case .tagged(let tagged):
            guard top.entries != nil else { return top }
            let baseTag = tag(of: base), topTag = tag(of: top)
            if let topTag, topTag != baseTag { return top }
            var expanded = base
            if case .scalar = base.value, !base.isNull {
                expanded = YAMLNode(.mapping([YAMLEntry(key: TaggedShape.tagKey, keyMark: base.mark, value: base)]),
                                    mark: base.mark, path: base.path)
            }
            return mergeMappings(expanded, top) { key in tagged.allFields.first { $0.name == key }?.shape }
        default:
            return top
        }
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

    private static func mergeMappings(_ base: YAMLNode, _ top: YAMLNode, shapeOf: (String) -> Shape?) -> YAMLNode {
        guard let topEntries = top.entries else { return top }
        guard var entries = base.entries else { return top }
        for entry in topEntries {
            if let i = entries.firstIndex(where: { $0.key == entry.key }) {
                let shape = shapeOf(entry.key)
                entries[i] = YAMLEntry(key: entry.key, keyMark: entry.keyMark,
                                       value: shape.map { merge(entries[i].value, entry.value, $0) } ?? entry.value)
            } else {
                entries.append(entry)
            }
        }
        return YAMLNode(.mapping(entries), mark: top.mark, path: top.path)
    }

    /// A mapping holding `value` at the dotted `path` (`optimizer.lr` → {optimizer: {lr: v}}).
    static func nest(_ value: YAMLNode, at path: String) -> YAMLNode {
        path.split(separator: ".").reversed().reduce(value) { inner, key in
            YAMLNode(.mapping([YAMLEntry(key: String(key), keyMark: value.mark, value: inner)]), mark: value.mark, path: value.path)
        }
    }

    /// An empty mapping standing for settings that were not written.
    static func empty(at mark: SourceMark, path: String) -> YAMLNode {
        YAMLNode(.mapping([]), mark: mark, path: path)
    }
}
