// Progress on long work: a redrawn bar with ETA on a terminal, plain lines in CI logs.
import Foundation
import MonkEngine
#if canImport(Glibc)
import Glibc
#endif

/// Where run messages go. Bars redraw in place only when stdout is a terminal; otherwise a
/// plain line is printed every `plainInterval` seconds and at the end, so CI logs stay
/// readable. `quiet` silences progress and informational lines (errors still go to stderr).
public final class Console: @unchecked Sendable {
    public let quiet: Bool
    public let isTerminal: Bool
    public var plainInterval: Double = 10
    private let lock = NSLock()

    public init(quiet: Bool = false, isTerminal: Bool = isatty(STDOUT_FILENO) != 0) {
        self.quiet = quiet
        self.isTerminal = isTerminal
    }

    /// A console that prints nothing (library use and tests).
    public static let silent = Console(quiet: true, isTerminal: false)

    /// Messages may carry file names and spec values: control characters in them are printed
    /// as escapes (`Console.printable`), never sent to the terminal.
    public func info(_ line: String) {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        print(Console.printable(line))
        flushStandardOutput()
    }

    public func warning(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("warning: \(Console.printable(line))\n".utf8))
    }

    /// `text` with every control character but the line break escaped (`\u{1B}`), so a name
    /// holding an escape sequence cannot recolour or clear the terminal.
    public static func printable(_ text: String) -> String { TerminalText.keepingLines(text) }

    public func progress(_ title: String, total: Int, unit: String = "") -> ProgressBar {
        ProgressBar(console: self, title: title, total: total, unit: unit)
    }

    fileprivate func draw(_ text: String, final: Bool) {
        guard !quiet else { return }
        lock.lock(); defer { lock.unlock() }
        if isTerminal {
            print("\r\u{1B}[2K" + Console.printable(text), terminator: final ? "\n" : "")
        } else {
            print(Console.printable(text))
        }
        flushStandardOutput()
    }
}

/// One bar: `update(done:suffix:)` as work completes, `finish(suffix:)` at the end.
public final class ProgressBar {
    let console: Console
    let title: String
    let total: Int
    let unit: String
    let start = Date()
    var lastDraw = Date.distantPast

    init(console: Console, title: String, total: Int, unit: String) {
        self.console = console
        self.title = title
        self.total = max(total, 1)
        self.unit = unit
    }

    public func update(done: Int, suffix: String = "") {
        let now = Date()
        let interval = console.isTerminal ? 0.1 : console.plainInterval
        // The last step is drawn by `finish`, with its summary.
        guard done < total, now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        console.draw(line(done: done, suffix: suffix, now: now), final: false)
    }

    /// Draws the last line: all done, or `done` of them when the work stopped early (a bar
    /// that says 229/229 after stopping at 196 misleads).
    public func finish(done: Int? = nil, suffix: String = "") {
        console.draw(line(done: done ?? total, suffix: suffix, now: Date()), final: true)
    }

    func line(done: Int, suffix: String, now: Date) -> String {
        let elapsed = now.timeIntervalSince(start)
        let fraction = min(1, Double(done) / Double(total))
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        var eta = ""
        if done > 0 && done < total {
            eta = " ETA " + ProgressBar.clock(elapsed / Double(done) * Double(total - done))
        }
        let rate = elapsed > 0 && !unit.isEmpty ? String(format: " %.1f %@/s", Double(done) / elapsed, unit) : ""
        let tail = suffix.isEmpty ? "" : "  " + suffix
        return "\(title) \(bar) \(done)/\(total)\(rate) \(ProgressBar.clock(elapsed))\(eta)\(tail)"
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// Flushes stdio's output streams (`fflush(NULL)`): naming the C global `stdout` is not
/// concurrency-safe in Swift 6's eyes.
func flushStandardOutput() {
    fflush(nil)
}
