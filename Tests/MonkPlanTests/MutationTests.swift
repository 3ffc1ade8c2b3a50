// Planning damaged specs: a seeded series of byte edits to the quickstart pipeline. Every
// result is either a plan or a non-empty list of errors, each at a line:column inside the
// file (never the "no position" mark), and a long key is quoted clipped.
import Testing
import Foundation
@testable import MonkPlan

@Suite struct MutationTests {
    @Test func damagedSpecsAreAnsweredWithLocatedErrors() throws {
        let original = Array(try String(contentsOfFile: repositoryRoot + "/pipelines/quickstart.yaml", encoding: .utf8).utf8)
        let alphabet = Array(":-[]{}&*!|>'\"#%@` \n\tx0.,?~\\".utf8) + [0x00, 0xC3, 0xFF]
        var state: UInt64 = 12345
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        var planned = 0, refused = 0
        for _ in 0..<200 {
            var bytes = original
            for _ in 0..<(1 + next(3)) {
                let at = next(bytes.count)
                switch next(3) {
                case 0: bytes[at] = alphabet[next(alphabet.count)]
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet[next(alphabet.count)], at: at)
                }
            }
            let lines = bytes.filter { $0 == UInt8(ascii: "\n") }.count + 1
            do {
                _ = try PlanLoader.plan(bytes: bytes, specDirectory: "/s", file: "m.yaml")
                planned += 1
            } catch {
                refused += 1
                #expect(!error.errors.isEmpty)
                for e in error.errors {
                    #expect(e.mark.line >= 1 && e.mark.line <= lines && e.mark.column >= 1,
                            "\(e.kind) at \(e.mark.line):\(e.mark.column) (\(lines) lines): \(e.message)")
                }
            }
        }
        // Both outcomes occur: edits inside comments are harmless, most others are not.
        #expect(planned > 0 && refused > 0)
    }

    @Test func longKeysAreClippedInMessagesAndPaths() throws {
        let key = String(repeating: "k", count: 100_000)
        // An explicit key (`? `): libyaml limits implicit keys to 1024 characters.
        let e = try #require(planErrors(minimal + "defaults:\n  ? \(key)\n  : 1\n").first)
        #expect(e.kind == .unknownKey)
        #expect(e.keyPath.count < 100 && e.message.count < 400)
    }
}
