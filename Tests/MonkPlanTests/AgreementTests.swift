// The JSON Schema and the Swift validator (SpecLoader) accept and reject the same documents.
//
// Reference run: the same documents, converted with PyYAML and checked with python's
// jsonschema 4.26 (Draft202012Validator) against schemas/monkpipe.schema.json, gave the
// `valid` column below for every document: `python3 schemas/reference_check.py`.
// Known, deliberate differences, not listed here: `format: regex` is only an annotation in
// JSON Schema (monkpipe compiles the pattern); YAML 1.1 loaders read `yes` as true (monkpipe
// reads YAML 1.2); an experiment that inherits `type` from the defaults is checked against
// that type only after merging, by the planner.
import Testing
import Foundation
@testable import MonkPlan

@Suite struct AgreementTests {
    static let documents: [(yaml: String, valid: Bool)] = [
        (minimal, true),
        (minimal + "defaults:\n", true),
        (minimal + "defaults: {optimizer: adam}\n", true),
        (minimal + "defaults: {optimizer: {type: adam, betas: [0.9, 0.99]}}\n", true),
        (minimal + "defaults: {optimizer: {lr: 0.1}}\n", true),
        (minimal + "defaults: {lr_schedule: {type: multistep, gamma: 0.5}}\n", true),
        (minimal + "defaults: {model: resnet50, pretrained: weights.bin, early_stopping: false}\n", true),
        (minimal + "defaults: {evaluation: {threshold: 0.3, positive_class: PNEUMONIA}}\n", true),
        (minimal + "  val: {fraction: 0.2, group_by: '^(p\\d+)'}\n", true),
        (minimal + "  train_transforms: [resize, {center_crop: 200}, {random_crop: {padding: 4}}, {normalize: {mean: [0.5], std: [0.2]}}]\n", true),
        (minimal + "threads: auto\n", true),
        (minimal + "threads: 2\n", true),
        (minimal + "sweep: {optimizer.lr: [0.1, 0.01], model: [resnet18_v1]}\n", true),
        ("project: p\ndata: {train: {csv: a.csv, delimiter: ';'}}\n", true),
        (minimal + "seeed: 1\n", false),
        (minimal + "defaults: {model: resnet50v2}\n", false),
        (minimal + "defaults: {epochs: 0}\n", false),
        (minimal + "defaults: {epochs: 2.5}\n", false),
        (minimal + "defaults: {epochs: \"3\"}\n", false),
        (minimal + "defaults: {freeze_layers: -1}\n", false),
        (minimal + "defaults: {optimizer: {type: sgd, betas: [0.9, 0.99]}}\n", false),
        (minimal + "defaults: {optimizer: {type: nadam}}\n", false),
        (minimal + "defaults: {early_stopping: true}\n", false),
        (minimal + "defaults: {evaluation: {threshold: 1}}\n", false),
        (minimal + "  train_transforms: [{resize: 64, center_crop: 60}]\n", false),
        (minimal + "  train_transforms: [random_rotation]\n", false),
        (minimal + "  val: {fraction: 1.0}\n", false),
        (minimal + "experiments: {'../x': {}}\n", false),
        (minimal + "sweep: {optimiser.lr: [0.1]}\n", false),
        (minimal + "sweep: {optimizer.lr: []}\n", false),
        (minimal + "threads: 0\n", false),
        ("project: p\ndata: {train: {csv: a.csv, delimiter: ';;'}}\n", false),
        ("data: {train: t}\n", false),
    ]

    @Test(arguments: 0..<documents.count)
    func schemaAndValidatorAgree(_ index: Int) throws {
        let (yaml, valid) = Self.documents[index]
        let json = try #require(jsonValue(ofYAML: yaml))
        #expect(schemaValidator.accepts(json) == valid, "schema, document \(index)")
        #expect(((try? SpecLoader.parse(yaml)) != nil) == valid, "validator, document \(index)")
    }
}
