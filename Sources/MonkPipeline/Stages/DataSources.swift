// Listing a plan's datasets (train, validation folder, test) and fingerprinting their files.
import Foundation
import MonkData
import MonkPlan
import MonkVocabulary

/// The datasets a plan names, listed from disk with the training classes applied to all.
public struct DataSources: Sendable {
    public var train: Dataset
    /// A separate validation folder; nil when validation is split from `train`.
    public var validation: Dataset?
    public var test: Dataset?

    public var classes: [String] { train.classes }

    /// Lists every source (I/O: directory listings and CSV files, no image decoding).
    public static func list(_ data: DataPlan) throws -> DataSources {
        let train = try Dataset.load(data.train, classes: nil)
        var validation: Dataset?
        if case .folder(let path) = data.validation {
            validation = try Dataset.load(.folder(path: path), classes: train.classes)
        }
        let test = try data.test.map { try Dataset.load($0, classes: train.classes) }
        return DataSources(train: train, validation: validation, test: test)
    }

    /// Every (role, path, class, content hash) line, digested: the load stage's view of the data.
    public func fingerprint(_ hashes: FileFingerprints) throws -> String {
        SHA256.hex(try listing(hashes))
    }

    /// One line per file — split, path, class, content hash — in a fixed order: what
    /// `fingerprint` digests, and what `plan` compares to name the files that changed.
    public func listing(_ hashes: FileFingerprints) throws -> String {
        var text = ""
        for (role, ds) in [("train", train), ("validation", validation), ("test", test)] {
            guard let ds else { continue }
            for item in ds.items {
                let digest = (try? hashes.hash(ds.url(of: item))) ?? "unreadable"
                text += "\(role)\t\(item.path)\t\(ds.classes[item.label])\t\(digest)\n"
            }
        }
        return text
    }
}

extension DataSources {
    /// Why `loaded`, a load result read back from the cache, is not a selection of these
    /// sources, or nil. Its key digests this very listing, so a result that monkpipe wrote
    /// always is; one edited to name `../../elsewhere`, an absolute path or a class the data
    /// does not have would make the later stages read files outside the data (and keep their
    /// pixels in the cache) or index past the classes.
    func unlisted(in loaded: LoadedData) -> String? {
        guard loaded.classes == classes else {
            return "its classes \(loaded.classes) are not the data's (\(classes.joined(separator: ", ")))"
        }
        func labels(_ ds: Dataset?) -> [String: Int] { Self.byLoadedPath(ds).mapValues(\.label) }
        let listed: [DataRole: [String: Int]] = [.train: labels(train), .validation: labels(validation), .test: labels(test)]
        let lists: [(String, [LoadedImage], Set<DataRole>)] = [("train", loaded.train, [.train]),
                                                               ("validation", loaded.validation, [.train, .validation]),
                                                               ("test", loaded.test, [.test])]
        for (name, images, roles) in lists {
            for image in images {
                guard let role = image.source, roles.contains(role), listed[role]?[image.path] == image.label else {
                    let from = image.source.map { " of the \($0.rawValue) source" } ?? ""
                    return "its \(name) image '\(image.path)'\(from) with class number \(image.label) is not one the data lists"
                }
            }
        }
        return nil
    }

    /// Each file `ds` lists, by the path the load stage records for it (`LoadStage.run`):
    /// inside the source's folder, which is not always the path a CSV lists.
    static func byLoadedPath(_ ds: Dataset?) -> [String: DatasetItem] {
        guard let ds else { return [:] }
        return Dictionary(ds.items.compactMap { item in
            DataRoots.relativePath(of: ds.url(of: item), inside: ds.root).map { ($0, item) }
        }, uniquingKeysWith: { a, _ in a })
    }
}
