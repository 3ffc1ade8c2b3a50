// The whole load stage in one call: list the datasets, scan them (hash, decode, fill the pixel
// cache), apply the bad-image policy, make or reuse the split, and build the check report.
import Foundation
import MonkVocabulary

extension DataPreparation {
    /// Everything the load stage needs to know: the plan's sources and limit, as they are,
    /// and how files become cached pixels.
    public struct Input: Sendable {
        public var train: DatasetSource
        public var validation: ValidationSource
        public var test: DatasetSource?
        public var preprocessing: Preprocessing
        public var onBadImage: BadImagePolicy
        /// Read only this part of each folder (train before the split, validation, test).
        public var limit: DataLimit?

        public init(train: DatasetSource, validation: ValidationSource, test: DatasetSource? = nil,
                    preprocessing: Preprocessing, onBadImage: BadImagePolicy = .fail, limit: DataLimit? = nil) {
            self.train = train; self.validation = validation; self.test = test
            self.preprocessing = preprocessing; self.onBadImage = onBadImage; self.limit = limit
        }
    }
}

/// The load stage's result: loader inputs per split, the split manifest, and the check report.
public struct PreparedData: Sendable {
    public var classes: [String]
    public var train: [LoaderSample]
    public var validation: [LoaderSample]
    public var test: [LoaderSample]
    /// The split used (nil when validation is a separate dataset), and whether it was reused.
    public var manifest: SplitManifest?
    public var manifestOrigin: SplitManifest.Origin?
    public var report: DataCheckReport
    /// Files left out under `.skip` (empty under `.fail`, which throws instead).
    public var skipped: [BadImage]
}

public enum DataPreparation {
    /// Runs the load stage. `cache` receives the decoded pixels (nil: decode only to check);
    /// `manifestURL` is where the split manifest is read from or written to (nil: draw the
    /// split in memory and save nothing, e.g. for `check-data`). Throws `DatasetError`,
    /// `SplitError`, or `BadImagesError` (with every bad file of every split, paths relative to
    /// their dataset root and prefixed by the split name). To get a report that lists bad
    /// files instead of an error (`check-data`), pass a spec with `onBadImage = .skip`.
    public static func prepare(_ spec: Input, cache: PixelCache?, manifestURL: URL?, threads: Int) throws -> PreparedData {
        // A limit is applied before anything is read, so a quick run decodes only its images.
        func limited(_ d: Dataset, _ split: SplitName) -> Dataset {
            guard let limit = spec.limit else { return d }
            return d.limited(limit, stream: UInt64(SplitName.allCases.firstIndex(of: split)!))
        }
        let train = limited(try Dataset.load(spec.train, classes: nil), .train)
        func scan(_ d: Dataset) -> [ScannedImage] { ImageScanner.scan(d, preprocessing: spec.preprocessing, cache: cache, threads: threads) }

        var parts: [(SplitName, Dataset, [ScannedImage])] = [(.train, train, scan(train))]
        if case .folder(let path) = spec.validation {
            let d = limited(try Dataset.load(.folder(path: path), classes: train.classes), .val)
            parts.append((.val, d, scan(d)))
        }
        if let source = spec.test {
            let d = limited(try Dataset.load(source, classes: train.classes), .test)
            parts.append((.test, d, scan(d)))
        }

        // Check every split before failing, so the user gets the whole list at once.
        var skipped: [BadImage] = []
        var good: [SplitName: [ScannedImage]] = [:]
        var allBad: [BadImage] = []
        for (name, _, scanned) in parts {
            let bad = scanned.compactMap { s in s.problem.map { BadImage(path: "\(name.rawValue): \(s.item.path)", reason: $0) } }
            allBad += bad
            good[name] = scanned.filter(\.isGood)
        }
        if spec.onBadImage == .fail && !allBad.isEmpty { throw BadImagesError(images: allBad) }
        skipped = allBad

        var manifest: SplitManifest?, origin: SplitManifest.Origin?
        var sideOfTrainItem: [String: SplitName] = [:]
        if case .split(let settings) = spec.validation {
            let kept = good[.train]!
            let d = Dataset(root: train.root, classes: train.classes, items: kept.map(\.item))
            if let manifestURL {
                (manifest, origin) = try SplitManifest.loadOrCreate(at: manifestURL, dataset: d, hashes: kept.map { $0.hash! }, settings: settings)
            } else {
                manifest = try SplitManifest.make(d, hashes: kept.map { $0.hash! }, settings: settings)
            }
            let m = manifest!
            for e in m.entries { sideOfTrainItem[e.path] = e.split }
        }

        func samples(_ split: SplitName) -> [LoaderSample] {
            var out: [LoaderSample] = []
            for (name, d, _) in parts {
                for (index, s) in (good[name] ?? []).enumerated() {
                    let side = name == .train ? (sideOfTrainItem[s.item.path] ?? .train) : name
                    guard side == split else { continue }
                    // The index identifies the image within its dataset for augmentation seeds.
                    out.append(LoaderSample(url: d.url(of: s.item), contentHash: s.hash!, label: s.item.label, index: index))
                }
            }
            return out
        }

        var tagged: [(image: ScannedImage, split: SplitName)] = []
        for (name, _, scanned) in parts {
            for s in scanned { tagged.append((s, name == .train ? (sideOfTrainItem[s.item.path] ?? .train) : name)) }
        }
        // Unused entries of every folder read, named by the folder's role (a validation split
        // drawn from the training folder shares its entries).
        var unused: [UnusedEntry] = []
        for (name, d, _) in parts {
            unused += d.unused.map { UnusedEntry(path: "\(name.rawValue): \($0.path)", reason: $0.reason) }
        }
        let report = DataCheckReport.make(classes: train.classes, scanned: tagged, unused: unused)
        return PreparedData(classes: train.classes, train: samples(.train), validation: samples(.val), test: samples(.test),
                            manifest: manifest, manifestOrigin: origin, report: report, skipped: skipped)
    }
}
