// Absolute paths that format-1 results held (the load result's images, the stored test
// predictions) re-expressed inside the plan's folders, found by content hash and path.
import Foundation
import MonkData
import MonkEngine
import MonkReport

/// Absolute image paths of format-1 results matched to today's relative ones.
enum LegacyPaths {
    /// The shortest trailing part of `absolute` ("NORMAL/a.jpeg" of "/old/data/test/NORMAL/a.jpeg")
    /// that `accept` takes.
    static func suffix(of absolute: String, where accept: (String) -> Bool) -> String? {
        let parts = absolute.split(separator: "/")
        for k in stride(from: 1, through: parts.count, by: 1) {
            let candidate = parts.suffix(k).joined(separator: "/")
            if accept(candidate) { return candidate }
        }
        return nil
    }

    /// `old` with each absolute image path replaced by the image's path inside its source
    /// folder, where today's listing has a file of that path with the same content; nil if any
    /// image has none.
    static func relocate(_ old: LoadedData, sources: DataSources, hashes: FileFingerprints) -> LoadedData? {
        func images(_ list: [LoadedImage], _ role: DataRole, _ ds: Dataset?) -> [LoadedImage]? {
            let items = DataSources.byLoadedPath(ds)
            var out: [LoadedImage] = []
            for image in list {
                guard image.source == nil else { out.append(image); continue }
                guard let ds, let path = suffix(of: image.path, where: { rel in
                    items[rel].map { (try? hashes.hash(ds.url(of: $0))) == image.hash } ?? false
                }) else { return nil }
                out.append(LoadedImage(path: path, source: role, hash: image.hash, label: image.label))
            }
            return out
        }
        let validationRole: DataRole = sources.validation == nil ? .train : .validation
        guard let train = images(old.train, .train, sources.train),
              let validation = images(old.validation, validationRole, sources.validation ?? sources.train),
              let test = images(old.test, .test, sources.test) else { return nil }
        var out = old
        out.train = train
        out.validation = validation
        out.test = test
        return out
    }

    /// Rewrites the stored predictions of `paths` so that absolute file paths become the paths
    /// of `test` (the load result's test images) they end with; left as they are if one has none.
    /// `predictions.csv` is written again from them, so that it names the files as a test
    /// stage of this monkpipe does (its other columns are the same).
    static func relocatePredictions(of paths: ExperimentPaths, test: [LoadedImage]) throws {
        let url = paths.storedPredictions
        guard var stored = try? JSONDecoder().decode(StoredPredictions.self, from: Data(contentsOf: url)) else { return }
        let known = Set(test.map(\.path))
        var samples = stored.samples
        for i in samples.indices where samples[i].file.hasPrefix("/") {
            guard let path = suffix(of: samples[i].file, where: known.contains) else { return }
            samples[i].file = path
        }
        stored.samples = samples
        try AtomicFile.writeJSON(stored, to: url)
        let csv = paths.test.appendingPathComponent(Evaluation.predictionsFileName)
        try AtomicFile.write(Data(try stored.evaluation().predictionsCSV().render().utf8), to: csv)
    }
}
