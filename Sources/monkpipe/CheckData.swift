// `monkpipe check-data FILE|FOLDER`: class counts, imbalance, unreadable files, duplicates, sizes.
import ArgumentParser
import Foundation
import MonkPipeline

struct CheckData: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-data",
        abstract: "Check a pipeline's data: class counts per split, imbalance, unreadable files, duplicates within and across splits, image sizes.",
        discussion: "Given a folder instead of a pipeline file, checks the images in it: train/, val/ and test/ sub-folders if it has train/, else one sub-folder per class.")

    @Argument(help: "The pipeline file (YAML), or a folder of images.")
    var file: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let console = output.console
        let report = FolderDataCheck.isFolder(file)
            ? try reportingErrors { try FolderDataCheck.run(file, console: console) }
            : try reportingErrors { [plan = try loadPlan(file)] in try PipelineRunner(plan: plan, console: console).checkData() }
        if output.json { printJSON(report) } else { print(report.render(), terminator: "") }
    }
}
