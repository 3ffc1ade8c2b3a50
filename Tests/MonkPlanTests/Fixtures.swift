// Helpers shared by the MonkPlan tests: planning text in memory and catching its errors.
import Foundation
@testable import MonkPlan
import MonkVocabulary

/// The repository root (this file is Tests/MonkPlanTests/Fixtures.swift).
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The errors of planning `text` as if it lived in /specs, or [] when it plans.
func planErrors(_ text: String, directory: String = "/specs") -> [SpecError] {
    do {
        _ = try PlanLoader.plan(text: text, specDirectory: directory, file: "t.yaml")
        return []
    } catch {
        return error.errors
    }
}

/// The plan of `text`, or nil (the errors are recorded as an issue by the caller's #expect).
func plan(_ text: String, directory: String = "/specs") -> Plan? {
    try? PlanLoader.plan(text: text, specDirectory: directory, file: "t.yaml")
}

/// The smallest valid spec; tests append to it.
let minimal = """
project: p
data:
  train: data/train

"""

/// The generated schema text and its validator, made once: generating it is the slow part.
let generatedSchema = SpecSchema.jsonSchema()
let schemaValidator = MiniJSONSchema(root: try! JSONDecoder().decode(SpecValue.self, from: Data(generatedSchema.utf8)))
