// The YAML document as monkpipe sees it: scalars, mappings and sequences, each with the
// line:column and key path where it was written (Yams' decoder keeps neither).

/// A node of a composed YAML document.
struct YAMLNode: Sendable {
    enum Value: Sendable {
        /// `plain` is false for quoted and block scalars: those are always strings.
        case scalar(String, plain: Bool)
        case mapping([YAMLEntry])
        case sequence([YAMLNode])
    }

    var value: Value
    var mark: SourceMark
    /// Where the node was written, e.g. `defaults.optimizer.lr`.
    var path: String
    /// Number of nodes in the fully expanded subtree; bounds the work aliases can cause.
    var weight: Int

    init(_ value: Value, mark: SourceMark, path: String) {
        self.value = value
        self.mark = mark
        self.path = path
        switch value {
        case .scalar: weight = 1
        case .mapping(let entries): weight = 1 + entries.reduce(0) { $0 + 1 + $1.value.weight }
        case .sequence(let items): weight = 1 + items.reduce(0) { $0 + $1.weight }
        }
    }

    /// A plain `null`, `~` or empty scalar: YAML's "nothing".
    var isNull: Bool {
        if case .scalar(let text, true) = value { return ["", "~", "null", "Null", "NULL"].contains(text) }
        return false
    }

    var entries: [YAMLEntry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    /// The value of `key` in a mapping node.
    subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key == key }?.value
    }

    /// A word for "what kind of thing is this", for error messages.
    var kindDescription: String {
        switch value {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, let plain):
            if isNull { return "nothing" }
            return plain ? "'\(clipped(text, 40))'" : "the string \"\(clipped(text, 40))\""
        }
    }
}

/// A key of a mapping (always a scalar) and its value.
struct YAMLEntry: Sendable {
    var key: String
    var keyMark: SourceMark
    var value: YAMLNode
}

/// Joins key paths: `join("data", "train")` is `data.train`; a path may start empty. Keys
/// are clipped, so a hostile megabyte-long key cannot make every child's path that long.
func joinPath(_ parent: String, _ key: String) -> String {
    parent.isEmpty ? clipped(key) : parent + "." + clipped(key)
}

/// User text as quoted in messages: at most `limit` characters.
func clipped(_ text: String, _ limit: Int = 60) -> String {
    text.count > limit ? String(text.prefix(limit)) + "…" : text
}
