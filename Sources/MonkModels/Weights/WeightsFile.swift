// A weight file read by its content — PyTorch (.pth, zip or legacy), safetensors, a monkpipe
// checkpoint, or an MXNet Gluon .params file — and turned into a network's state dict.
import Foundation
import MonkEngine

/// The tensors of a weight file, in the naming of the framework that wrote it.
public enum WeightsFile: Sendable {
    /// PyTorch's names (torchvision's layout, or a monkpipe checkpoint).
    case torch(StateDict)
    /// MXNet Gluon's names in any of its three styles.
    case gluon(StateDict)

    /// Reads `url`, recognising the format by its first bytes.
    public static func read(_ url: URL) throws -> WeightsFile {
        try read(bytes: try readWholeFile(url))
    }

    public static func read(bytes: [UInt8]) throws -> WeightsFile {
        if MXNetParams.looksLikeParams(bytes) { return .gluon(try MXNetParams.load(bytes: bytes)) }
        // safetensors opens with its header length and then the header's "{".
        if bytes.count > 8, bytes[8] == UInt8(ascii: "{"), !ZipArchive.looksLikeZip(bytes) {
            return .torch(try Safetensors.load(bytes: bytes).tensors)
        }
        return .torch(try TorchFile.load(bytes: bytes))
    }

    /// The file's tensors under `network`'s PyTorch-layout names.
    public func torchStateDict(for network: Module) throws -> StateDict {
        switch self {
        case .torch(let dict): dict
        case .gluon(let params): try GluonWeights.torchStateDict(from: params, for: network)
        }
    }
}
