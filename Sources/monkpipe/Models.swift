// `monkpipe models`: every network, its parameter count, input size and pretrained weights.
import ArgumentParser
import Foundation
import MonkPipeline

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the networks, with parameter counts (1000-class head) and whether pretrained weights were found.",
        discussion: "Pretrained files are searched in $TORCH_HOME/hub/checkpoints, then ~/.cache/torch/hub/checkpoints.")

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    func run() {
        let entries = ModelCatalog.entries(environment: ProcessInfo.processInfo.environment)
        if json { entries.forEach { printJSON($0) } } else { print(ModelCatalog.table(entries), terminator: "") }
    }
}
