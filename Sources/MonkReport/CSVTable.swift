// RFC 4180 CSV: a header and rows of text cells, quoted only where a cell needs it, so
// file names with commas or quotes survive a round trip through any spreadsheet or pandas.
import Foundation

/// A table that renders as CSV text.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]] = []) {
        self.header = header
        self.rows = rows
    }

    /// The CSV text: one line per row ending in "\n", cells quoted when they contain a comma,
    /// a double quote, a line break or leading/trailing spaces; quotes inside are doubled.
    /// A text cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
    /// a tab or a carriage return: a file named `=HYPERLINK(…).jpeg`) gets a leading `'` and
    /// quotes, as OWASP's CSV-injection advice says; numbers such as `-0.5` stay as they are.
    public func render() -> String {
        var out = ""
        for row in [header] + rows {
            precondition(row.count == header.count, "every row has one cell per column")
            out += row.map(Self.quote).joined(separator: ",")
            out += "\n"
        }
        return out
    }

    /// The table in CSV text as `render` writes it (RFC 4180: a quoted cell may hold commas,
    /// doubled quotes and line breaks; the `'` put before a formula is kept); nil for text that
    /// is not one table (a quote left open, rows of another width than the header).
    public init?(parsing text: String) {
        var lines: [[String]] = [], line: [String] = [], cell = "", quoted = false
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            i = text.index(after: i)
            if quoted {
                if c != "\"" { cell.append(c) }
                else if i < text.endIndex, text[i] == "\"" { cell.append(c); i = text.index(after: i) }
                else { quoted = false }
            } else if c == "\"" { quoted = true }
            else if c == "," { line.append(cell); cell = "" }
            else if c == "\n" || c == "\r\n" { lines.append(line + [cell]); line = []; cell = "" }
            else { cell.append(c) }
        }
        if !line.isEmpty || !cell.isEmpty { lines.append(line + [cell]) }
        guard !quoted, let header = lines.first, lines.allSatisfy({ $0.count == header.count }) else { return nil }
        self.init(header: header, rows: Array(lines.dropFirst()))
    }

    static func quote(_ cell: String) -> String {
        let formula = cell.first.map { "=+-@\t\r".contains($0) } == true && Double(cell) == nil
        let needsQuotes = formula || cell.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || cell.first == " " || cell.last == " "
        guard needsQuotes else { return cell }
        let text = formula ? "'" + cell : cell
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// How numbers are written into reports: fixed decimals, "." as the separator whatever the
/// locale, and an empty cell (CSV) or "n/a" (text) for undefined values.
enum NumberText {
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", locale: Locale(identifier: "en_US_POSIX"), x)
    }

    static func cell(_ x: Double?, _ decimals: Int) -> String { x.map { fixed($0, decimals) } ?? "" }

    static func percent(_ x: Double?, _ decimals: Int = 1) -> String {
        x.map { fixed($0 * 100, decimals) + "%" } ?? "n/a"
    }

    /// Shortest text that reads back as the same Double (e.g. a learning rate "0.01", "1e-05").
    static func exact(_ x: Double) -> String { "\(x)" }
}
