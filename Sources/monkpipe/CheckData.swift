// `monkpipe check-data FILE`: class counts, imbalance, unreadable files, duplicates, sizes.
import ArgumentParser
import Foundation
import MonkPipeline

struct CheckData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-data",
        abstract: "Check a pipeline's data: class counts per split, imbalance, unreadable files, duplicates within and across splits, image sizes.")

    @Argument(help: "The pipeline file (YAML).")
    var file: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let plan = try loadPlan(file)
        let report = try reportingErrors { try PipelineRunner(plan: plan, console: output.console).checkData() }
        if output.json { printJSON(report) } else { print(report.render(), terminator: "") }
    }
}
