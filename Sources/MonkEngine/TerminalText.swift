// Text from outside monkpipe (file names, spec values, weight-file keys) made safe to print:
// a name holding an escape sequence must not recolour or rewrite the user's terminal, and a
// newline inside a name must not look like the start of another line of a report.

public enum TerminalText {
    /// `text` with control characters (C0, DEL, C1) and bidirectional overrides written as
    /// escapes (`\n`, `\t`, `\u{1B}`). Plain text comes back unchanged.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Like `escaped`, but line breaks stay line breaks: for multi-line messages built by
    /// monkpipe itself whose parts may come from outside (file names, spec values, errors).
    public static func keepingLines(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0) && $0 != "\n" }) else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(separator: "\n")
    }

    /// Bytes that may not be UTF-8 (a file name): valid UTF-8 runs as text (escaped as above),
    /// every other byte as `\xNN`.
    public static func escaped(bytes: [UInt8]) -> String {
        var out = ""
        var i = 0
        while i < bytes.count {
            // The longest valid UTF-8 sequence starting at i (1 to 4 bytes), if any.
            var taken = 0
            for length in 1...4 where i + length <= bytes.count {
                if let s = String(validating: bytes[i..<(i + length)], as: UTF8.self), s.unicodeScalars.count == 1 {
                    out += escaped(s)
                    taken = length
                    break
                }
            }
            if taken == 0 {
                let hex = String(bytes[i], radix: 16, uppercase: true)
                out += "\\x" + (hex.count == 1 ? "0" : "") + hex
                taken = 1
            }
            i += taken
        }
        return out
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        // Bidirectional embeddings, overrides and isolates can make a name read backwards.
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F: return true
        default: return false
        }
    }
}
