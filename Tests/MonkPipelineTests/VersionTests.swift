// The version string is what --version prints and what stage keys record.
import Testing
import MonkPipeline

@Test func versionIsSemantic() {
    let parts = MonkpipeVersion.string.split(separator: ".")
    #expect(parts.count == 3 && parts.allSatisfy { Int($0) != nil })
    #expect(MonkpipeVersion.format >= 1)
}
