// Stage keys are stable (a pinned golden value), order-independent, and name what changed.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct StageKeyTests {
    struct Opt: Codable { var lr: Double; var momentum: Double }

    func sample() -> StageInputs {
        var s = StageInputs()
        s.add("optimizer", Opt(lr: 0.01, momentum: 0.9))
        s.add("epochs", 5)
        s.add("upstream load", digest: String(repeating: "a", count: 64))
        return s
    }

    /// Pinned: any change to the canonical form (or to SHA-256) changes every key in every
    /// user's cache, so it must be deliberate — bump MonkpipeVersion.format with it.
    /// Value produced by this implementation on 2026-11-27 and cross-checked with
    /// `printf 'monkpipe-stage v1\nkind=train\nepochs=%s\noptimizer=%s\nupstream load=%s\n' \
    ///   $(printf 5 | sha256sum | cut -c1-64) \
    ///   $(printf '{"lr":0.01,"momentum":0.9}' | sha256sum | cut -c1-64) \
    ///   $(printf 'a%.0s' {1..64}) | sha256sum`.
    @Test func goldenKey() {
        let key = StageKey(kind: .train, inputs: sample(), format: 1)
        #expect(key.hex == "a6ee4add29b53df09e5940883930fd2d206477e92064fe470a87bb201ffacb7d")
    }

    @Test func insertionOrderDoesNotMatter() {
        var a = StageInputs()
        a.add("upstream load", digest: String(repeating: "a", count: 64))
        a.add("epochs", 5)
        a.add("optimizer", Opt(lr: 0.01, momentum: 0.9))
        #expect(StageKey(kind: .train, inputs: a) == StageKey(kind: .train, inputs: sample()))
    }

    @Test func jsonKeyOrderOfAValueDoesNotMatter() {
        // Two types with the same fields declared in a different order encode identically.
        struct OptReordered: Codable { var momentum: Double; var lr: Double }
        #expect(StageInputs.digest(of: Opt(lr: 0.01, momentum: 0.9))
                == StageInputs.digest(of: OptReordered(momentum: 0.9, lr: 0.01)))
    }

    @Test func changesNameExactlyTheDifferingInputs() {
        var b = sample()
        b.add("epochs", 6)
        b.add("loss", "balanced")
        #expect(b.changes(since: sample()) == ["epochs", "loss"])
        #expect(sample().changes(since: sample()).isEmpty)
        #expect(StageKey(kind: .train, inputs: b) != StageKey(kind: .train, inputs: sample()))
        #expect(StageKey(kind: .test, inputs: sample()) != StageKey(kind: .train, inputs: sample()))
    }
}
