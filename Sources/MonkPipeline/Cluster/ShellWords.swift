// POSIX shell words: quoting values written into job scripts, and splitting the
// `--extra "sbatch options"` string the way a shell would, so options keep their quoted spaces.
import Foundation

public enum ShellWords {
    /// `value` as one shell word: bare when it is made only of safe characters, otherwise in
    /// single quotes (an inner `'` becomes `'\''`).
    public static func quote(_ value: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")
        if !value.isEmpty, value.unicodeScalars.allSatisfy({ safe.contains($0) }) { return value }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    public static func join(_ words: [String]) -> String { words.map(quote).joined(separator: " ") }

    /// Splits `text` into words: blanks separate words; single quotes keep everything
    /// literally; double quotes keep blanks (and `\"`, `\\`); a backslash outside quotes
    /// escapes the next character. No expansion of any kind happens.
    public static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var it = Array(text).makeIterator()
        while let c = it.next() {
            switch c {
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let q = it.next() { if q == "'" { closed = true; break }; current.append(q) }
                if !closed { throw SplitError.unterminated("'", text) }
            case "\"":
                inWord = true
                var closed = false
                while let q = it.next() {
                    if q == "\"" { closed = true; break }
                    if q == "\\" {
                        guard let n = it.next() else { break }
                        if n != "\"" && n != "\\" { current.append("\\") }
                        current.append(n)
                    } else {
                        current.append(q)
                    }
                }
                if !closed { throw SplitError.unterminated("\"", text) }
            case "\\":
                inWord = true
                guard let n = it.next() else { throw SplitError.trailingBackslash(text) }
                current.append(n)
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    public enum SplitError: Error, CustomStringConvertible, Equatable {
        case unterminated(Character, String)
        case trailingBackslash(String)
        public var description: String {
            switch self {
            case let .unterminated(q, text): return "unterminated \(q) in \(text)"
            case let .trailingBackslash(text): return "a backslash ends \(text)"
            }
        }
    }
}
