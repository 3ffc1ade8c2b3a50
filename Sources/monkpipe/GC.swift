// `monkpipe gc FILE…`: delete what in the workspace's cache no current stage of these specs
// refers to, and say how much that freed.
import ArgumentParser
import Foundation
import MonkPipeline

struct GC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Delete cache entries (stage records, load results, pixels) that no current stage of the given pipelines uses.",
        discussion: """
        Give every pipeline file that shares the workspace: what none of them uses is deleted \
        (it is recomputed if an older spec runs again). Trained models, test results and \
        reports in the experiment folders are never touched.
        """)

    @Argument(help: "The pipeline files (YAML) whose stages keep their cache entries.")
    var files: [String]

    @Flag(name: .long, help: "Only say what would be deleted.")
    var dryRun = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        let plans = try files.map(loadPlan)
        let collection = try reportingErrors {
            try CacheCollector.collect(plans.map { PipelineRunner(plan: $0, console: output.console) }, dryRun: dryRun)
        }
        if output.json { printJSON(collection) } else { print(Console.printable(collection.summary)) }
    }
}
