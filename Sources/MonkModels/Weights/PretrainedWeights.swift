// Where pretrained weight files are found: each of the model's catalogued sources, under
// the file name its framework uses, in that framework's cache folders (torch's hub cache for
// torchvision files), so that files users already downloaded are used as they are.
import Foundation
import MonkVocabulary

/// No pretrained file was found; says which file to put where.
public struct PretrainedWeightsNotFound: Error, CustomStringConvertible, Equatable {
    public let model: Architecture
    /// The sources looked for (the model's catalogued ones unless a caller gave others).
    public let sources: [PretrainedSource]
    /// Folders searched, in order, across every source of the model.
    public let searched: [String]

    public var description: String {
        guard let first = sources.first else {
            return "\(model.rawValue) has no pretrained weights in monkpipe's model catalogue; " +
                "set pretrained: false, or name a weights file with `pretrained: <path>`."
        }
        // The first source's preferred cache folder.
        let folder = first.framework.cacheDirectories(environment: environment).first
            ?? (first.framework == .gluon ? "$MXNET_HOME/models" : "$TORCH_HOME/hub/checkpoints")
        return "no pretrained weights for \(model.rawValue): put \(first.fileName) into \(folder)" +
            " (searched: \(searched.joined(separator: ", "))). Get it from \(first.address.description), " +
            "or name a weights file explicitly with `pretrained: <path>`."
    }

    /// The environment the folders came from (to name the first source's folder).
    let environment: [String: String]

    public init(model: Architecture, sources: [PretrainedSource]? = nil, searched: [String], environment: [String: String] = [:]) {
        self.model = model
        self.sources = sources ?? model.pretrainedSources
        self.searched = searched
        self.environment = environment
    }
}

public enum PretrainedWeights {
    /// The first existing file of `model`'s pretrained sources, trying each source's cache
    /// folders in order (the environment is passed in, not read here).
    public static func locate(_ model: Architecture, environment: [String: String]) throws -> URL {
        try locate(model, sources: model.pretrainedSources, environment: environment)
    }

    /// The first existing file of `sources` (files published for `model`) in their cache folders.
    public static func locate(_ model: Architecture, sources: [PretrainedSource], environment: [String: String]) throws -> URL {
        var searched: [String] = []
        for source in sources {
            for directory in source.framework.cacheDirectories(environment: environment) {
                if !searched.contains(directory) { searched.append(directory) }
                let candidate = URL(fileURLWithPath: directory).appendingPathComponent(source.fileName)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate
                }
            }
        }
        throw PretrainedWeightsNotFound(model: model, sources: sources, searched: searched, environment: environment)
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
