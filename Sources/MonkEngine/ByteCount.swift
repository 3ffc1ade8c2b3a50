// File and memory sizes as people read them, for messages: "3.2 GB (3,221,225,472 bytes)".
import Foundation

public enum ByteCount {
    /// The size in decimal units (kB, MB, GB; 1 MB = 10⁶ bytes) with the exact count when
    /// rounding hides it, so that a limit and the size that broke it never print alike.
    public static func text(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        guard let (scale, name) = units.first(where: { Double(bytes) >= $0.0 }) else {
            return bytes == 1 ? "1 byte" : "\(bytes) bytes"
        }
        return String(format: "%.1f", Double(bytes) / scale) + " \(name) (\(grouped(bytes)) bytes)"
    }

    /// 3221225472 → "3,221,225,472".
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}
