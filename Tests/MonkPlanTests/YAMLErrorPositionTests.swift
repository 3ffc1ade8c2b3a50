// Every kind of error libyaml reports comes back at the line:column where it is in the file:
// scanner and parser errors carry libyaml's mark, reader errors (a character YAML forbids)
// only a byte offset, which the composer turns into a position. Expected positions are
// PyYAML's for the same text (its scanner, parser and reader are libyaml's, ported), e.g.
// `python3 -c "import yaml; yaml.safe_load('project: p\ndata:\n  train: t\n  bad: a: b\n')"`.
import Testing
@testable import MonkPlan

@Suite struct YAMLErrorPositionTests {
    func onlyError(_ text: String) throws -> SpecError {
        let errors = planErrors(text)
        try #require(errors.count == 1, "\(errors)")
        return errors[0]
    }

    @Test func scannerError() throws {
        let e = try onlyError("project: p\ndata:\n  train: t\n  bad: a: b\n")
        #expect(e.kind == .syntax && e.message.contains("mapping values are not allowed"))
        #expect(e.mark == SourceMark(line: 4, column: 9))
    }

    @Test func parserError() throws {
        let e = try onlyError("project: p\ndata:\n  train: [a, b\nx: 1\n")
        #expect(e.kind == .syntax && e.message.contains("did not find expected ',' or ']'"))
        #expect(e.mark == SourceMark(line: 4, column: 2))
    }

    /// U+0080 is valid UTF-8 and passes the text guard, but YAML forbids C1 control codes:
    /// libyaml's reader refuses it with a byte offset only (PyYAML: "position 33").
    @Test func readerErrorIsPlacedFromItsByteOffset() throws {
        let e = try onlyError("project: p\ndata:\n  train: t\nxy: a\u{80}b\n")
        #expect(e.kind == .syntax && e.message.contains("U+0080"))
        #expect(e.mark == SourceMark(line: 4, column: 6))
        // Columns count characters, not bytes: two 2-byte characters earlier on the line.
        let wide = try onlyError("project: p\ndata:\n  train: t\nxé: é\u{81}\n")
        #expect(wide.mark == SourceMark(line: 4, column: 6))
    }
}
