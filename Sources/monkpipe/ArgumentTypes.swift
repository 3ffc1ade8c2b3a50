// The library's closed sets of values, accepted as option values: ArgumentParser checks them
// while parsing, lists them in --help, and rejects others with exit 64.
import ArgumentParser
import MonkPipeline

extension StageKind: ExpressibleByArgument {}
extension CheckpointChoice: ExpressibleByArgument {}
extension ConvAlgorithm: ExpressibleByArgument {}
extension KernelSuite: ExpressibleByArgument {}
