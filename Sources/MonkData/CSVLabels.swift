// A small CSV reader for label files: quoted fields ("a, b" and "" escapes) and a chosen delimiter.
import Foundation

enum CSVLabels {
    /// (path, class) pairs from every non-empty row: from the `columns` named in the header row
    /// when it has both (the spec's image_column and label_column), else from the first two.
    static func read(_ url: URL, delimiter: Character, header: Bool,
                     columns: (image: String, label: String)? = nil) throws(DatasetError) -> [(path: String, className: String)] {
        // A label file lists one line per image: 64 MB is over a million rows.
        let data: Data
        do { data = try FileBytes.read(url, maxBytes: 64 << 20) } catch {
            throw .malformedCSV(file: url.path, line: 0, reason: "cannot read the file: \(error)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .malformedCSV(file: url.path, line: 0, reason: "the file is not UTF-8 text")
        }
        var out: [(String, String)] = []
        var lineNumber = 0
        var (pathIndex, labelIndex) = (0, 1)
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            if header && lineNumber == 1 {
                // Column names are only looked up; a header that does not parse is skipped, as ever.
                if let columns, let names = try? split(trimmed, delimiter),
                   let p = names.firstIndex(of: columns.image), let l = names.firstIndex(of: columns.label) {
                    (pathIndex, labelIndex) = (p, l)
                }
                continue
            }
            let fields: [String]
            do { fields = try split(trimmed, delimiter) } catch { throw .malformedCSV(file: url.path, line: lineNumber, reason: error.reason) }
            guard fields.count > max(pathIndex, labelIndex), !fields[pathIndex].isEmpty, !fields[labelIndex].isEmpty else {
                throw .malformedCSV(file: url.path, line: lineNumber, reason: "expected path\(delimiter)label, found \"\(trimmed)\"")
            }
            out.append((fields[pathIndex], fields[labelIndex]))
        }
        return out
    }

    struct QuoteError: Error { let reason: String }

    static func split(_ line: String, _ delimiter: Character) throws(QuoteError) -> [String] {
        var fields: [String] = [], field = "", quoted = false, wasQuoted = false
        var chars = line.makeIterator()
        while let ch = chars.next() {
            if quoted {
                if ch == "\"" {
                    // A doubled quote inside quotes is a literal quote; a single one closes.
                    var look = chars
                    if look.next() == "\"" { field.append("\""); chars = look } else { quoted = false }
                } else { field.append(ch) }
            } else if ch == "\"" && field.isEmpty && !wasQuoted {
                quoted = true; wasQuoted = true
            } else if ch == delimiter {
                fields.append(wasQuoted ? field : field.trimmingCharacters(in: .whitespaces)); field = ""; wasQuoted = false
            } else { field.append(ch) }
        }
        if quoted { throw QuoteError(reason: "unterminated quoted field") }
        fields.append(wasQuoted ? field : field.trimmingCharacters(in: .whitespaces))
        return fields
    }
}
