// `monkpipe validate FILE…`: check specs only (for CI and editors); exit 2 on any error.
import ArgumentParser
import Foundation
import MonkPipeline

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check pipeline files without touching any data.",
        discussion: """
        With --json, one line per file: {"file", "valid": true, "plan"} with the resolved plan \
        (keys spelt as in the YAML, e.g. batch_size), or {"file", "valid": false, "errors"} with \
        each error's kind, mark (line, column), key_path, message and suggestion.
        """)

    @Argument(help: "Pipeline files (YAML).")
    var files: [String]

    @OptionGroup var settings: SetOptions

    @Flag(name: .long, help: "Print one JSON line per file: the resolved plan, or the errors.")
    var json = false

    func run() throws {
        var bad = false
        for file in files {
            do {
                let plan = try PlanLoader.load(path: file, overrides: settings.overrides)
                printWarnings(plan, file: file)
                if json { printJSON(ValidationResult(file: file, valid: true, plan: plan, errors: nil), specKeys: true) } else {
                    print("\(file): ok — project \(plan.project), \(plan.experiments.count) experiment(s): \(plan.experiments.map(\.name).joined(separator: ", "))")
                }
            } catch {
                bad = true
                if json { printJSON(ValidationResult(file: file, valid: false, plan: nil, errors: error.errors), specKeys: true) } else {
                    FileHandle.standardError.write(Data(error.render().utf8))
                }
            }
        }
        if bad { throw ExitCode(Exit.badSpec) }
    }
}

/// One line of `validate --json`, printed with the YAML's key spelling (the plan has no
/// user-named keys: experiments are a list).
struct ValidationResult: Encodable {
    var file: String
    var valid: Bool
    var plan: Plan?
    var errors: [SpecError]?
}
