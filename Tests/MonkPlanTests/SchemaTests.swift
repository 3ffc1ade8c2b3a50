// The committed JSON Schema is the generated one, every shipped spec plans and validates
// against it, and the schema and the Swift validator agree on accepted/rejected documents.
import Testing
import Foundation
@testable import MonkPlan
import MonkVocabulary

@Suite struct SchemaTests {
    static let shippedSpecs = ["pipelines/quickstart.yaml", "pipelines/pneumonia.yaml", "pipelines/pneumonia-best.yaml",
                               "examples/sweep.yaml", "examples/ci.yaml",
                               "pipelines/study/r0_first_recipe.yaml", "pipelines/study/r1_jitter_5ep.yaml",
                               "pipelines/study/r2_jitter_256.yaml", "pipelines/study/r3_frozen_head.yaml",
                               "pipelines/study/r4_nuisance.yaml", "pipelines/study/r5_lite1.yaml",
                               "pipelines/study/tutorial_scratch.yaml"]

    @Test func committedSchemaIsTheGeneratedOne() throws {
        let path = repositoryRoot + "/schemas/monkpipe.schema.json"
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        // To refresh after changing SpecFormat: `monkpipe schema > schemas/monkpipe.schema.json`.
        #expect(committed == generatedSchema + "\n")
    }

    /// Every shipped spec plans, except that `pretrained: true` on a model the catalogue has
    /// no pretrained source for is refused: pneumonia.yaml's resnet50_v2 until Gluon's files
    /// are catalogued. Then that must be its only error, and it plans once the source exists.
    @Test(arguments: shippedSpecs)
    func shippedSpecPlansAndValidates(_ file: String) throws {
        let path = repositoryRoot + "/" + file
        do {
            let plan = try PlanLoader.load(path: path)
            #expect(!plan.experiments.isEmpty)
        } catch {
            let models = Architecture.allCases.filter { !$0.hasPretrainedSource }
            let unsatisfiable = error.errors.filter { e in
                models.contains { e.message.contains(": \($0.rawValue) has no published pretrained weights") }
            }
            #expect(!unsatisfiable.isEmpty && unsatisfiable == error.errors, "\(error)")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(schemaValidator.accepts(try #require(jsonValue(ofYAML: text))))
    }
}
