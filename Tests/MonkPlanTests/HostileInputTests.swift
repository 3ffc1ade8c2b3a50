// Hostile or accidental non-specs are refused with a clear error. Each refusal is bounded
// by construction (a node budget for aliases, a depth cap, a byte cap, a sweep-size check
// before expansion), so these tests cannot hang: they assert the error, not a time.
import Testing
import Foundation
@testable import MonkPlan
import MonkVocabulary

@Suite struct HostileInputTests {
    func errors(_ bytes: [UInt8]) -> [SpecError] {
        do {
            _ = try PlanLoader.plan(bytes: bytes, specDirectory: "/s", file: "t.yaml")
            return []
        } catch {
            return error.errors
        }
    }

    @Test func billionLaughsIsRefusedBeforeExpanding() throws {
        // 9 levels of 9 aliases each: 9^9 ≈ 387 million strings if expanded.
        var text = "project: p\ndata: {train: t}\nlol0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            text += "lol\(level): &a\(level) [\(refs)]\n"
        }
        let e = try #require(planErrors(text).first)
        #expect(e.kind == .refused)
        #expect(e.message.contains("aliases expand"))
    }

    @Test func hugeDocumentsWithoutAliasesAreRefusedByTheirSize() throws {
        let list = "[" + Array(repeating: "1", count: 200_000).joined(separator: ",") + "]"
        let e = try #require(planErrors(minimal + "defaults: {lr_schedule: {type: multistep, milestones: \(list)}}\n").first)
        #expect(e.kind == .refused)
        #expect(e.message.contains("more than 100000 values"))
    }

    @Test func manyErrorsRenderTheFirstFifty() {
        let keys = (0..<120).map { "k\($0): 1" }.joined(separator: "\n")
        let errors = SpecErrors(file: "t.yaml", errors: planErrors(minimal + keys + "\n"), source: nil)
        #expect(errors.errors.count == 120)
        #expect(errors.render().hasSuffix("… and 70 more\n120 errors in t.yaml\n"))
    }

    /// A 709 KB spec of 40,000 unknown keys took 32–85 s to validate (release build): each
    /// error was compared with every earlier one, and each key with every earlier key of its
    /// mapping. Both are set lookups now, and only the first 50 errors are printed. (No time
    /// limit here: a debug build on a loaded machine is no measure of speed.)
    @Test func fortyThousandBadKeysAreReportedOnceEach() {
        let unknown = (0..<40_000).map { "key\($0): 1" }.joined(separator: "\n")
        let errors = SpecErrors(file: "t.yaml", errors: planErrors(minimal + unknown + "\n"), source: nil)
        #expect(errors.errors.count == 40_000)
        #expect(errors.errors.allSatisfy { $0.kind == .unknownKey })
        #expect(errors.render().hasSuffix("… and 39,950 more\n40,000 errors in t.yaml\n"))
        // The same key written 40,001 times: 40,000 duplicates, each naming the first line.
        let repeated = Array(repeating: "  epochs: 1", count: 40_001).joined(separator: "\n")
        let duplicates = planErrors(minimal + "defaults:\n" + repeated + "\n")
        #expect(duplicates.count == 40_000)
        #expect(duplicates.allSatisfy { $0.kind == .duplicateKey && $0.message.contains("first at line 5") })
    }

    @Test func modestAliasesAreAccepted() throws {
        let text = minimal + "defaults: &d {epochs: 3}\nexperiments:\n  a: *d\n  b: *d\n"
        let resolved = try #require(plan(text))
        #expect(resolved.experiments.map(\.epochs) == [3, 3])
    }

    @Test func deepNestingIsRefused() throws {
        let flow = try #require(planErrors("project: " + String(repeating: "[", count: 100_000)).first)
        #expect(flow.kind == .refused)
        #expect(flow.message.contains("nesting deeper than 64"))
        var block = "project: p\n"
        for depth in 0..<200 { block += String(repeating: " ", count: depth) + "a:\n" }
        #expect(planErrors(block).first?.kind == .refused)
    }

    @Test func hugeNumbersAreOutOfRange() throws {
        let seed = try #require(planErrors(minimal + "seed: " + String(repeating: "9", count: 10_000) + "\n").first)
        #expect(seed.kind == .outOfRange)
        let lr = try #require(planErrors(minimal + "defaults: {optimizer: {lr: 1e400}}\n").first)
        #expect(lr.kind == .outOfRange)
        #expect(lr.message.contains("too large"))
        let infinite = try #require(planErrors(minimal + "defaults: {optimizer: {lr: .inf}}\n").first)
        #expect(infinite.message.contains("finite"))
    }

    @Test func otherEncodingsAreNamed() throws {
        let utf16: [UInt8] = [0xFF, 0xFE] + "project: p\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let e16 = try #require(errors(utf16).first)
        #expect(e16.kind == .encoding)
        #expect(e16.message.contains("UTF-16"))
        let latin1 = Array("project: caf".utf8) + [0xE9, 0x0A]
        let eLatin = try #require(errors(latin1).first)
        #expect(eLatin.kind == .encoding)
        #expect(eLatin.mark == SourceMark(line: 1, column: 13))
        // A UTF-8 byte-order mark is harmless and skipped.
        #expect(errors([0xEF, 0xBB, 0xBF] + Array(minimal.utf8)).isEmpty)
    }

    @Test func binaryGarbageIsRefused() throws {
        var state: UInt64 = 0x9E3779B97F4A7C15
        let garbage = (0..<4096).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let e = try #require(errors(garbage).first)
        #expect(e.kind == .encoding)
        let nul = try #require(errors(Array("project: p\0\n".utf8)).first)
        #expect(nul.mark == SourceMark(line: 1, column: 11))
    }

    @Test func hugeFilesAreRefusedByTheirSize() throws {
        let big = [UInt8](repeating: UInt8(ascii: "#"), count: TextGuard.maxBytes + 1)
        #expect(errors(big).first?.kind == .unreadable)
        // An endless special file stops at the cap too (the loader reads at most cap + 1 bytes).
        do {
            _ = try PlanLoader.load(path: "/dev/zero")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.first?.kind == .unreadable)
        }
    }

    /// A 52 MB spec is reported with its real size (it used to say 1,048,577: the bytes read),
    /// and a FIFO given as a spec is refused by kind instead of blocking `open` forever.
    @Test(.timeLimit(.minutes(1))) func specFilesAreCheckedBeforeReading() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("monkplan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let big = dir.appendingPathComponent("big.yaml")
        #expect(FileManager.default.createFile(atPath: big.path, contents: Data("project: p\n".utf8)))
        let handle = try FileHandle(forWritingTo: big)
        try handle.truncate(atOffset: 52_428_800)
        try handle.close()
        let fifo = dir.appendingPathComponent("fifo.yaml")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        for (path, message) in [(big.path, "the file is 52,428,800 bytes (52.4 MB); a spec may be at most 1,048,576 bytes (1.0 MB)"),
                                (fifo.path, "is a FIFO (named pipe), not a regular file"),
                                (dir.path, "this is a folder; expected a pipeline file (YAML)")] {
            do {
                _ = try PlanLoader.load(path: path)
                Issue.record("\(path) loaded")
            } catch {
                #expect(error.errors.map(\.message) == [message])
            }
        }
    }

    /// Control characters reach a spec through YAML's escapes ("\e", "\x1b"); printed errors
    /// show them escaped, so a value cannot clear or recolour the reader's terminal.
    @Test func controlCharactersInErrorsAreEscaped() throws {
        let text = minimal + "defaults:\n  model: \"resnet\\e[2J\\u202Eevil\"\n"
        let rendered = SpecErrors(file: "t.yaml", errors: planErrors(text), source: text).render()
        #expect(!rendered.isEmpty)
        #expect(!rendered.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E }, "\(rendered)")
        #expect(rendered.contains("resnet\\u{1B}[2J\\u{202E}evil"), "\(rendered)")
    }

    @Test func sweepExplosionIsRefusedBeforeExpanding() throws {
        let axes = ["epochs", "seed", "freeze_layers", "optimizer.lr", "optimizer.momentum"]
        let values = ["[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]",
                      "[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]", "[0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]"]
        let sweep = zip(axes, values).map { "  \($0): \($1)" }.joined(separator: "\n")
        let e = try #require(planErrors(minimal + "sweep:\n" + sweep + "\n").first)
        #expect(e.kind == .outOfRange)
        #expect(e.message.contains("more than 256"))
    }

    @Test func yamlFeaturesASpecNeverNeedsAreRefused() {
        #expect(planErrors(minimal + "seed: !!python/object:os.system 1\n").first?.kind == .refused)
        #expect(planErrors(minimal + "---\nproject: q\n").first?.kind == .refused)
        #expect(planErrors(minimal + "base: &b {epochs: 2}\ndefaults:\n  <<: *b\n").contains { $0.message.contains("merge keys") })
        #expect(planErrors(minimal + "? [a, b]\n: c\n").first?.kind == .refused)
        #expect(planErrors("").first?.kind == .missingKey)
    }
}
