// Where a plan's images are now. The load stage records each image by the source that lists
// it and its path inside that source's folder, never by an absolute path, so that a project
// moved or cloned elsewhere reads its cached results from wherever its data now is.
import Foundation
import MonkPlan
import MonkVocabulary

/// The plan source an image was listed by.
public enum DataRole: String, Codable, Sendable, CaseIterable {
    /// The `train` source (a validation part split from it included).
    case train
    /// A separate validation folder.
    case validation
    case test
}

/// The folder each source's image paths are relative to, as the current plan resolves it.
public struct DataRoots: Sendable, Equatable {
    public var train: URL
    public var validation: URL?
    public var test: URL?

    public init(_ data: DataPlan) {
        train = Self.root(data.train)
        if case .folder(let path) = data.validation { validation = URL(fileURLWithPath: path) }
        test = data.test.map(Self.root)
    }

    /// A folder source's folder, or the folder a CSV's image paths are relative to.
    static func root(_ source: DatasetSource) -> URL {
        switch source {
        case .folder(let path): return URL(fileURLWithPath: path)
        case .csv(let csv): return URL(fileURLWithPath: csv.root)
        }
    }

    public func root(_ role: DataRole) -> URL? {
        switch role {
        case .train: return train
        case .validation: return validation
        case .test: return test
        }
    }

    /// The file of `image` where the plan's data is now. An image recorded by an older
    /// monkpipe (no role: its path is absolute) is read where it was.
    public func url(of image: LoadedImage) -> URL {
        guard let role = image.source, let root = root(role) else { return URL(fileURLWithPath: image.path) }
        return root.appendingPathComponent(image.path)
    }

    /// `url`'s path inside the folder of `role`, or nil when it is not inside it.
    func relativePath(of url: URL, in role: DataRole) -> String? {
        root(role).flatMap { Self.relativePath(of: url, inside: $0) }
    }

    /// `url`'s path inside `folder`, or nil. Not always the path a CSV lists: under `root: /`,
    /// "/images/a.jpeg" is "images/a.jpeg".
    static func relativePath(of url: URL, inside folder: URL) -> String? {
        let base = folder.path
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return url.path.hasPrefix(prefix) ? String(url.path.dropFirst(prefix.count)) : nil
    }
}
