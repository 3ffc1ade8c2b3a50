// `monkpipe models`: every network with its size, default input and pretrained-file status.
import Foundation
import MonkEngine
import MonkModels
import MonkVocabulary

public struct ModelEntry: Codable, Sendable, Equatable {
    public var name: String
    public var aliases: [String]
    /// With a 1000-class head, as torchvision counts them.
    public var parameters: Int
    public var inputSize: Int
    public var gflops: Double
    /// The standard pretrained file name, if one exists.
    public var pretrainedFile: String?
    /// Where that file was found, if it was.
    public var pretrainedFound: String?
    /// Otherwise where it would come from: the address `pretrained: true` downloads it from
    /// (through MONKPIPE_WEIGHTS_MIRROR when set), or how to get it by hand.
    public var pretrainedAddress: String?
    /// The folder a download would go into (the framework's first cache folder).
    public var pretrainedFolder: String?
}

public enum ModelCatalog {
    public static func entries(environment: [String: String]) -> [ModelEntry] {
        Architecture.allCases.map { arch in
            var rng = RNG(seed: 0)
            let net = arch.build(numClasses: 1000, rng: &rng)
            let found = arch.hasPretrainedSource ? (try? PretrainedWeights.locate(arch, environment: environment))?.path : nil
            var entry = ModelEntry(name: arch.rawValue, aliases: arch.aliasWords,
                                   parameters: net.parameterCount, inputSize: arch.defaultInputSize,
                                   gflops: net.forwardFLOPs(height: arch.defaultInputSize, width: arch.defaultInputSize) / 1e9,
                                   pretrainedFile: arch.pretrainedSources.first?.fileName, pretrainedFound: found)
            if found == nil, let first = arch.pretrainedSources.first {
                if let job = PretrainedFetch(environment: environment, downloads: .allowed).download(arch.pretrainedSources) {
                    entry.pretrainedFile = job.fileName
                    entry.pretrainedAddress = job.url.absoluteString
                    entry.pretrainedFolder = job.folder.path
                } else {
                    entry.pretrainedAddress = first.address.description
                }
            }
            return entry
        }
    }

    public static func table(_ entries: [ModelEntry]) -> String {
        var out = "model               aliases             parameters  input  GFLOPs  pretrained weights\n"
        for e in entries {
            let weights: String
            if let found = e.pretrainedFound {
                weights = "found: \(found)"
            } else if let file = e.pretrainedFile {
                weights = "not found (\(file)): " + (e.pretrainedFolder.map { "downloads from \(e.pretrainedAddress ?? "?") into \($0)" }
                    ?? "get it from \(e.pretrainedAddress ?? "?")")
            } else {
                weights = "none published"
            }
            out += e.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                + e.aliases.joined(separator: ",").padding(toLength: 20, withPad: " ", startingAt: 0)
                + String(e.parameters).leftPadded(10) + "  " + String(e.inputSize).leftPadded(5)
                + String(format: "  %6.2f  ", e.gflops) + weights + "\n"
        }
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
