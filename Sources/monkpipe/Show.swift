// `monkpipe show FILE`: the results of a pipeline's experiments as a table in the terminal.
import ArgumentParser
import Foundation
import MonkPipeline

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a pipeline's results: test accuracy, sensitivity, specificity and AUC (95% intervals), kept checkpoint, time and memory per experiment.",
        discussion: """
        Reads the workspace only; nothing runs. Each experiment's state is the one `status` \
        gives (by the spec's stage keys). The kept checkpoint is the one test, infer and \
        export use (test_checkpoint), shown with its epoch and validation accuracy, as status \
        and the comparison report give it. Settings that differ between experiments (a sweep's \
        values, or what each experiment sets) are columns; * marks the experiment whose kept \
        checkpoint has the highest validation accuracy, the choice made without the test set.
        """)

    @Argument(help: "The pipeline file (YAML).")
    var file: String
    @OptionGroup var settings: SetOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let plan = try loadPlan(file, settings)
        // One read of each experiment-state.json gives the rows and the warnings.
        let (table, unreadable) = ResultsOverview.overview(plan)
        if output.json {
            print(String(decoding: try reportingErrors { try table.jsonData() }, as: UTF8.self))
        } else {
            print(table.text(), terminator: "")
        }
        warnUnreadableStates(unreadable)
    }
}
