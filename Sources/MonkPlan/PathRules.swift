// Turns the paths of a spec into absolute, normalised paths without touching the disk
// (planning is pure): relative paths are relative to the spec file's directory.

enum PathRules {
    /// `path` made absolute against `directory` (itself absolute), with `.` and `..`
    /// removed lexically. Symbolic links are not followed: that would need the disk.
    static func absolute(_ path: String, relativeTo directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether `path` is `ancestor` or lies inside it (both absolute and normalised).
    static func isInside(_ path: String, _ ancestor: String) -> Bool {
        ancestor == "/" || path == ancestor || path.hasPrefix(ancestor + "/")
    }

    /// Why a written path cannot be used, or nil.
    static func problem(with path: String) -> String? {
        if path.hasPrefix("~") {
            return "'~' is not expanded in specs; write the path relative to the spec file, or absolute"
        }
        if path.utf8.count > 4096 { return "the path is longer than 4096 bytes" }
        return nil
    }

    /// Why `workspace` (as written, and resolved to `resolved`) is not a safe place to write.
    static func workspaceProblem(written: String, resolved: String, specDirectory: String) -> String? {
        if resolved == "/" { return "the workspace cannot be the filesystem root" }
        if !written.hasPrefix("/") && !isInside(resolved, specDirectory) {
            return "the workspace '\(written)' leaves the spec's folder (\(specDirectory)); write an absolute path if you mean it"
        }
        return nil
    }
}
