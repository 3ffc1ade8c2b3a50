// Refuses spec bytes that are not a reasonable UTF-8 text file before any YAML parsing:
// too large, UTF-16/32, invalid UTF-8, or binary data. libyaml would otherwise guess.
import Foundation

enum TextGuard {
    /// Specs are hand-written files of a few kilobytes; a megabyte is generous.
    static let maxBytes = 1 << 20

    /// The text of a spec file, or the reason it is not one.
    static func text(of bytes: [UInt8]) -> Result<String, SpecError> {
        if bytes.count > maxBytes { return .failure(tooLarge(bytes.count)) }
        let boms: [([UInt8], String)] = [([0x00, 0x00, 0xFE, 0xFF], "UTF-32"), ([0xFF, 0xFE, 0x00, 0x00], "UTF-32"),
                                         ([0xFE, 0xFF], "UTF-16"), ([0xFF, 0xFE], "UTF-16")]
        for (bom, name) in boms where bytes.starts(with: bom) {
            return .failure(SpecError(.encoding, at: SourceMark(line: 1, column: 1), path: "",
                "the file is encoded as \(name); save it as UTF-8"))
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }

        var parser = Unicode.UTF8.ForwardParser()
        var iterator = body.makeIterator()
        var line = 1, column = 1
        var scalars = String.UnicodeScalarView()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if isBinary(scalar) {
                    let code = String(scalar.value, radix: 16, uppercase: true)
                    return .failure(SpecError(.encoding, at: SourceMark(line: line, column: column), path: "",
                        "binary data (character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code)); a spec is a YAML text file"))
                }
                scalars.append(scalar)
                if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            case .emptyInput:
                return .success(String(scalars))
            case .error:
                return .failure(SpecError(.encoding, at: SourceMark(line: line, column: column), path: "",
                    "invalid UTF-8 bytes; save the file as UTF-8"))
            }
        }
    }

    /// The error for a spec of `size` bytes, with its real size: "the file is 52,428,800 bytes
    /// (52.4 MB); a spec may be at most 1,048,576 bytes (1.0 MB)".
    static func tooLarge(_ size: Int) -> SpecError {
        func text(_ n: Int) -> String {
            let digits = String(n)
            var grouped = ""
            for (i, ch) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            return "\(grouped) bytes (\(String(format: "%.1f", Double(n) / 1e6)) MB)"
        }
        return SpecError(.unreadable, at: .none, path: "", "the file is \(text(size)); a spec may be at most \(text(maxBytes))")
    }

    /// Control characters other than tab, newline and carriage return, and non-characters,
    /// do not occur in hand-written YAML.
    private static func isBinary(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0x7F, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }
}
