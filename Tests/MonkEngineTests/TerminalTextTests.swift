// Printing outside text safely (file names, spec values) and sizes as people read them.
import Testing
@testable import MonkEngine

@Suite struct TerminalTextTests {
    @Test func controlCharactersBecomeEscapes() {
        #expect(TerminalText.escaped("plain name.jpeg") == "plain name.jpeg")
        #expect(TerminalText.escaped("a\u{1B}[2Jb\nc\td\u{7F}\u{85}") == "a\\u{1B}[2Jb\\nc\\td\\u{7F}\\u{85}")
        // A right-to-left override would make "gpj.exe" read as "exe.jpg".
        #expect(TerminalText.escaped("x\u{202E}gpj.exe") == "x\\u{202E}gpj.exe")
        #expect(TerminalText.keepingLines("line 1\nline \u{1B}2") == "line 1\nline \\u{1B}2")
    }

    /// Bytes that are not UTF-8 (a Latin-1 "é" in a file name) show as \xNN; valid
    /// multi-byte characters stay.
    @Test func invalidUTF8BytesAreShownInHex() {
        #expect(TerminalText.escaped(bytes: Array("caf".utf8) + [0xE9] + Array(".jpg".utf8)) == "caf\\xE9.jpg")
        #expect(TerminalText.escaped(bytes: Array("café €".utf8)) == "café €")
        #expect(TerminalText.escaped(bytes: [0xFF, 0x0A, 0xC3]) == "\\xFF\\n\\xC3")
    }

    @Test func byteCounts() {
        #expect(ByteCount.text(0) == "0 bytes")
        #expect(ByteCount.text(1) == "1 byte")
        #expect(ByteCount.text(999) == "999 bytes")
        #expect(ByteCount.text(875_000) == "875.0 kB (875,000 bytes)")
        #expect(ByteCount.text(3_221_225_472) == "3.2 GB (3,221,225,472 bytes)")
        #expect(ByteCount.grouped(-1_234_567) == "-1,234,567")
    }
}
