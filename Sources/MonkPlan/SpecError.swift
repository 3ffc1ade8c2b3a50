// Located spec errors: what went wrong, where (file:line:column and key path), and the fix.

/// A position in the spec file, 1-based. Line 0 means "no position" (e.g. a missing file),
/// or a value given on the command line: then `option` names it (`--set defaults.epochs=x`).
public struct SourceMark: Codable, Equatable, Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int
    /// The command-line option that wrote the value, for values that are not in the file.
    public var option: String?

    public init(line: Int, column: Int, option: String? = nil) {
        self.line = line
        self.column = column
        self.option = option
    }

    public static let none = SourceMark(line: 0, column: 0)

    public static func < (a: SourceMark, b: SourceMark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// One problem in a spec, located and explained.
public struct SpecError: Error, Codable, Equatable, Hashable, Sendable {
    /// What kind of problem it is; tests and tools match on this, people read `message`.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case unreadable        // the file cannot be read, or is too large
        case encoding          // not UTF-8, or contains binary data
        case syntax            // YAML the parser refuses
        case refused           // valid YAML that monkpipe refuses: alias bombs, deep nesting
        case duplicateKey
        case unknownKey
        case missingKey
        case wrongType
        case invalidValue      // a word that is not one of the allowed ones, a bad pattern
        case outOfRange
        case unsafeName        // a name or path that would leave the workspace
        case conflict          // settings that contradict each other
    }

    public var kind: Kind
    public var mark: SourceMark
    /// Dotted key path, e.g. `defaults.optimizer.lr` or `data.train_transforms[1]`; empty for
    /// the whole file.
    public var keyPath: String
    /// What was found and what was expected.
    public var message: String
    /// The nearest valid word, when the value or key looks misspelt.
    public var suggestion: String?

    public init(_ kind: Kind, at mark: SourceMark, path keyPath: String, _ message: String,
                suggestion: String? = nil) {
        self.kind = kind
        self.mark = mark
        self.keyPath = keyPath
        self.message = message
        self.suggestion = suggestion
    }
}

/// Every error found in one spec file, in file order. Thrown by the loaders.
public struct SpecErrors: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as the user named it (used in rendered messages).
    public var file: String
    public var errors: [SpecError]
    /// The spec's text, when it could be read, to quote the offending lines.
    public var source: String?

    public init(file: String, errors: [SpecError], source: String? = nil) {
        self.file = file
        self.errors = errors.sorted { ($0.mark, $0.keyPath, $0.message) < ($1.mark, $1.keyPath, $1.message) }
        self.source = source
    }

    public var description: String { render() }

    /// A terminal shows the first errors; the rest are usually the same mistake repeated.
    public static let maxRendered = 50

    /// Compiler-style text for a terminal: `file:line:column: error: path: message`, the
    /// source line with a caret under the column, and the suggestion.
    public func render() -> String {
        let lines = source.map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? []
        var out = ""
        let file = Self.printable(self.file)
        for error in errors.prefix(Self.maxRendered) {
            let position = error.mark.line > 0 ? "\(file):\(error.mark.line):\(error.mark.column)" : file
            var path = error.keyPath.isEmpty ? "" : "\(Self.printable(error.keyPath)): "
            if let option = error.mark.option {
                // `--set K=V: message`; the key path only when the error is deeper than K.
                let key = option.dropFirst("--set ".count).prefix { $0 != "=" }
                path = "\(Self.printable(option)): " + (error.keyPath == key || error.keyPath.isEmpty ? "" : path)
            }
            out += "\(position): error: \(path)\(Self.printable(error.message))\n"
            if error.mark.line > 0, error.mark.line <= lines.count {
                let text = String(lines[error.mark.line - 1].prefix(200))
                out += "    \(Self.printable(text))\n"
                out += "    " + String(repeating: " ", count: max(0, min(error.mark.column - 1, text.count))) + "^\n"
            }
            if let suggestion = error.suggestion {
                out += "    did you mean '\(Self.printable(suggestion))'?\n"
            }
        }
        let count = errors.count
        if count > Self.maxRendered { out += "… and \(Self.grouped(count - Self.maxRendered)) more\n" }
        out += "\(Self.grouped(count)) error\(count == 1 ? "" : "s") in \(file)\n"
        return out
    }
}

extension SpecErrors {
    /// `text` with control characters and bidirectional overrides written as escapes: a value
    /// such as `"\e[2J"` (YAML's own escape syntax) in a spec must not clear the terminal of
    /// the person reading the error. (MonkEngine's `TerminalText` does the same for the other
    /// modules; MonkPlan depends on none of them.)
    static func printable(_ text: String) -> String {
        func escape(_ s: Unicode.Scalar) -> Bool {
            switch s.value {
            case 0x09: return false  // a tab in a quoted source line is harmless
            case 0x00...0x1F, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
        guard text.unicodeScalars.contains(where: escape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where escape(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// 39980 → "39,980".
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
