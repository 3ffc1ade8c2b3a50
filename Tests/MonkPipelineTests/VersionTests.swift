// What the version constants are for: the format number is part of every stage key, so
// bumping it (when a stage's output bytes change for the same inputs) retires every cached
// result; `monkpipe --version` printing the version string is checked in monkpipeTests.
import Testing
@testable import MonkPipeline

@Test func bumpingTheFormatChangesEveryStageKey() {
    var inputs = StageInputs()
    inputs.add("epochs", 5)
    for kind in [StageKind.train, .test] {
        let current = StageKey(kind: kind, inputs: inputs)
        #expect(current == StageKey(kind: kind, inputs: inputs, format: MonkpipeVersion.format))
        #expect(current != StageKey(kind: kind, inputs: inputs, format: MonkpipeVersion.format + 1))
    }
}
