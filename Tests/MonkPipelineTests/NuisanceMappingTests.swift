// The planned acquisition-nuisance transforms reach the loader as they were planned (the
// loader applies the plan's own values: one declaration, no mapping that could drop a field),
// in the written order, with the cached resize taken off the front.
import Testing
@testable import MonkPipeline
import MonkData
import MonkVocabulary

@Suite struct NuisanceMappingTests {
    @Test func plannedStepsBecomeLoaderSteps() {
        let planned: [Transform] = [
            .resize(size: 32),
            .randomGamma(gamma: .init(0.6, 1.6), probability: 0.5),
            .gaussianBlur(sigma: .init(0.3, 1.5), probability: 0.3),
            .jpegQuality(quality: .init(20, 70), probability: 0.4),
        ]
        let steps = DataPipelines.pipeline(planned, cachedResize: 32).transforms
        #expect(steps == Array(planned.dropFirst()))
    }
}
