// `monkpipe compare FILE`: (re)build the comparison report from finished experiments.
import ArgumentParser
import Foundation
import MonkPipeline

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the comparison (comparison.csv, SVG plots, index.html) of a pipeline's finished experiments.")

    @Argument(help: "The pipeline file (YAML).")
    var file: String
    @OptionGroup var settings: SetOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let plan = try loadPlan(file, settings)
        let comparison = try reportingErrors {
            try PipelineRunner(plan: plan, console: output.console).compareOnly()
        }
        if output.json { printJSON(["report": comparison.report.path]) } else { print(comparison.report.path) }
    }
}
