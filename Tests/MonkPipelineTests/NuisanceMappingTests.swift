// The planned acquisition-nuisance transforms reach the loader with the same ranges and
// probabilities, in the written order (a dropped or swapped field would train on other data).
import Testing
@testable import MonkPipeline
import MonkData
import MonkPlan

@Suite struct NuisanceMappingTests {
    @Test func plannedStepsBecomeLoaderSteps() {
        let planned: [MonkPlan.Transform] = [
            .resize(size: 32),
            .randomGamma(gamma: .init(0.6, 1.6), probability: 0.5),
            .gaussianBlur(sigma: .init(0.3, 1.5), probability: 0.3),
            .jpegQuality(quality: .init(20, 70), probability: 0.4),
        ]
        let steps = DataPipelines.pipeline(planned, cachedResize: 32).transforms
        #expect(steps == [
            .gamma(.init(0.6, 1.6), p: 0.5),
            .gaussianBlur(sigma: .init(0.3, 1.5), p: 0.3),
            .jpegQuality(quality: .init(20, 70), p: 0.4),
        ])
    }
}
