// The library's closed sets of values, accepted as option values: ArgumentParser checks them
// while parsing, lists them in --help, and rejects others with exit 64. Words of the shared
// vocabulary are accepted with their aliases (`--model resnet18` is resnet18_v1).
import ArgumentParser
import MonkPipeline

extension ExpressibleByArgument where Self: Vocabulary {
    public init?(argument: String) { self.init(word: argument) }
    public static var allValueStrings: [String] { words }
}

extension StageKind: ExpressibleByArgument {}
extension CheckpointChoice: ExpressibleByArgument {}
extension Architecture: ExpressibleByArgument {}
extension ConvAlgorithm: ExpressibleByArgument {}
extension MatrixProducts: ExpressibleByArgument {}
extension KernelSuite: ExpressibleByArgument {}
