// `monkpipe validate FILE…`: check specs only (for CI and editors); exit 2 on any error.
import ArgumentParser
import Foundation
import MonkPipeline

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check pipeline files without touching any data.")

    @Argument(help: "Pipeline files (YAML).")
    var files: [String]

    @Flag(name: .long, help: "Print the resolved plan as JSON.")
    var json = false

    func run() throws {
        var bad = false
        for file in files {
            do {
                let plan = try PlanLoader.load(path: file)
                printWarnings(plan, file: file)
                if json { printJSON(plan) } else {
                    print("\(file): ok — project \(plan.project), \(plan.experiments.count) experiment(s): \(plan.experiments.map(\.name).joined(separator: ", "))")
                }
            } catch {
                bad = true
                FileHandle.standardError.write(Data(error.render().utf8))
            }
        }
        if bad { throw ExitCode(Exit.badSpec) }
    }
}
