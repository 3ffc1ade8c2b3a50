// A missing pretrained file blocks only its own experiment: plan says so, the others run.
import Foundation
import Testing
@testable import MonkPipeline

@Suite struct MissingWeightsTests {
    @Test func otherExperimentsStillRun() throws {
        let f = try PipelineFixture()
        defer { f.remove() }
        let spec = PipelineFixture.spec(epochs: 1, experiments: """
          ok: {}
          broken:
            pretrained: weights/absent.pth

        """)
        let runner = try f.runner(spec)
        let decisions = runner.decisions(try runner.stages().stages)
        func verdict(_ id: String) -> StageDecision.Verdict? { decisions.first { $0.stage.identity == id }?.verdict }
        guard case .cannotRun(let why)? = verdict("train/broken") else {
            Issue.record("train/broken: \(String(describing: verdict("train/broken")))"); return
        }
        #expect(why.contains("absent.pth"))
        if case .cannotRun? = verdict("train/ok") { Issue.record("train/ok must not be blocked") }
        guard case .cannotRun? = verdict("compare/cmp") else { Issue.record("compare must be blocked"); return }

        let report = try runner.run()
        let outcome = Dictionary(uniqueKeysWithValues: report.stages.map { ($0.identity, $0.outcome) })
        #expect(outcome["train/ok"].map { if case .ran = $0 { true } else { false } } == true)
        #expect(outcome["test/ok"].map { if case .ran = $0 { true } else { false } } == true)
        #expect(outcome["train/broken"].map { if case .failed = $0 { true } else { false } } == true)
        #expect(report.failed)
    }
}
