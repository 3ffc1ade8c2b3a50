// Listing a plan's datasets (train, validation folder, test) and fingerprinting their files.
import Foundation
import MonkData
import MonkPlan

/// The datasets a plan names, listed from disk with the training classes applied to all.
public struct DataSources: Sendable {
    public var train: Dataset
    /// A separate validation folder; nil when validation is split from `train`.
    public var validation: Dataset?
    public var test: Dataset?

    public var classes: [String] { train.classes }

    /// Lists every source (I/O: directory listings and CSV files, no image decoding).
    public static func list(_ data: DataPlan) throws -> DataSources {
        let train = try dataset(data.train, classes: nil)
        var validation: Dataset?
        if case .folder(let path) = data.validation {
            validation = try dataset(.folder(path: path), classes: train.classes)
        }
        let test = try data.test.map { try dataset($0, classes: train.classes) }
        return DataSources(train: train, validation: validation, test: test)
    }

    static func dataset(_ source: MonkPlan.DatasetSource, classes: [String]?) throws -> Dataset {
        switch source {
        case .folder(let path):
            return try Dataset.load(root: URL(fileURLWithPath: path), layout: .folderPerClass, classes: classes)
        case .csv(let csv):
            // The layout's file is relative to the root; express the CSV's absolute path so.
            let root = URL(fileURLWithPath: csv.root)
            let file = relativePath(of: csv.file, from: csv.root)
            guard let delimiter = csv.delimiter.first, csv.delimiter.count == 1 else {
                throw DatasetError.malformedCSV(file: csv.file, line: 0, reason: "delimiter must be one character")
            }
            return try Dataset.load(root: root, layout: .csv(file: file, delimiter: delimiter, header: true), classes: classes)
        }
    }

    /// `path` relative to `base` (both absolute), with `..` where needed.
    static func relativePath(of path: String, from base: String) -> String {
        let p = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var i = 0
        while i < min(p.count, b.count) && p[i] == b[i] { i += 1 }
        return (Array(repeating: "..", count: b.count - i) + p[i...]).joined(separator: "/")
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
