// `monkpipe infer` and `monkpipe evaluate`: a trained model (an experiment's checkpoint, the one
// its test stage evaluates by default, or a checkpoint file) applied to new images or a
// labelled folder, deciding exactly as the experiment's test stage did.
import Foundation
import MonkData
import MonkEngine
import MonkReport

/// A trained experiment directory (`workspace/<project>/<experiment>`) and its settings.
public struct TrainedExperiment {
    public let paths: ExperimentPaths
    public let state: ExperimentState

    public init(directory: URL) throws {
        let paths = ExperimentPaths(root: directory)
        guard FileManager.default.fileExists(atPath: paths.state.path) else {
            throw PipelineError.invalid("\(directory.path) is not a monkpipe experiment (no \(paths.state.lastPathComponent))")
        }
        self.paths = paths
        self.state = try ExperimentState.read(paths.state)
    }
}

public struct InferenceRow: Codable, Sendable, Equatable {
    public var image: String
    public var predicted: String
    /// The probability of the predicted class.
    public var probability: Double
    public var probabilities: [String: Double]
    /// The threshold on P(positive class) that decided (two classes), nil for the most probable class.
    public var threshold: Double?
}

public enum ExperimentInference {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "jpe"]

    /// The image files named, with folders expanded (recursively, sorted), and what the
    /// folders hold that is not read: hidden entries (the name starts with a dot, as the load
    /// stage leaves them out: `._x.jpeg`, `.DS_Store`) and files whose extension is not an
    /// image's. A file named on its own is always read.
    public static func imageFiles(_ inputs: [URL]) -> (files: [URL], notRead: [UnusedEntry]) {
        var out: [URL] = []
        var notRead: [UnusedEntry] = []
        for url in inputs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
                out.append(url)
                continue
            }
            let e = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isDirectoryKey])
            var found: [URL] = []
            while let f = e?.nextObject() as? URL {
                let path = f.path
                let folder = (try? f.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true
                if f.lastPathComponent.hasPrefix(".") {
                    if folder { e?.skipDescendants() }
                    notRead.append(UnusedEntry(path: path + (folder ? "/" : ""), reason: "hidden (the name starts with a dot)"))
                } else if !folder {
                    if imageExtensions.contains(f.pathExtension.lowercased()) {
                        found.append(f)
                    } else {
                        notRead.append(UnusedEntry(path: path, reason: "not an image file name (.jpg, .jpeg, .jpe, .png)"))
                    }
                }
            }
            out += found.sorted { $0.path < $1.path }
        }
        return (out, notRead.sorted { $0.path < $1.path })
    }

    /// The images of the files and folders a command line names (`infer`, `classify`), as
    /// `imageFiles` finds them; what the folders hold that is not read goes to `warn` in one
    /// line (named, not dropped in silence: a folder of 1,000 files that gives 998 answers says
    /// why). Throws when no image is left.
    public static func imagesToRead(_ inputs: [String], warn: (String) -> Void) throws -> [URL] {
        let (files, notRead) = imageFiles(inputs.map { URL(fileURLWithPath: $0) })
        if let line = notReadSummary(notRead) { warn(line) }
        guard !files.isEmpty else { throw PipelineError.invalid("no images found in \(inputs.joined(separator: ", "))") }
        return files
    }

    /// One line naming what `imageFiles` left out of the folders, by reason (the first 10 of
    /// each), or nil when nothing was.
    public static func notReadSummary(_ entries: [UnusedEntry]) -> String? {
        guard !entries.isEmpty else { return nil }
        var reasons: [String] = []
        var byReason: [String: [String]] = [:]
        for e in entries {
            if byReason[e.reason] == nil { reasons.append(e.reason) }
            byReason[e.reason, default: []].append(e.path)
        }
        let parts = reasons.sorted().map { reason -> String in
            let paths = byReason[reason] ?? []
            let shown = paths.prefix(10).joined(separator: ", ")
            return "\(reason): \(shown)\(paths.count > 10 ? " and \(paths.count - 10) more" : "")"
        }
        return "not read, \(entries.count) \(entries.count == 1 ? "entry" : "entries") of the folders given: " + parts.joined(separator: "; ")
    }

    /// Each image's probabilities and the class `model.decision` picks from them.
    public static func infer(_ model: TrainedModel, images: [URL], console: Console) throws -> [InferenceRow] {
        let bar = console.progress("predicting", total: images.count, unit: "img")
        let probs = try model.predictor.probabilities(images, progress: bar)
        bar.finish()
        let classes = model.predictor.info.classes
        return zip(images, probs).map { url, p in
            let chosen = model.decision.decide(p)
            return InferenceRow(image: url.path, predicted: classes[chosen], probability: p[chosen],
                                probabilities: Dictionary(uniqueKeysWithValues: zip(classes, p)),
                                threshold: model.decision.threshold)
        }
    }

    public static func csv(_ rows: [InferenceRow], classes: [String]) -> String {
        let table = CSVTable(header: ["image", "predicted", "probability"] + classes.map { "p_\($0)" },
                             rows: rows.map { r in [r.image, r.predicted, String(r.probability)] + classes.map { String(r.probabilities[$0] ?? 0) } })
        return table.render()
    }

    /// Writes the predictions as CSV, atomically.
    public static func writeCSV(_ rows: [InferenceRow], classes: [String], to url: URL) throws {
        try AtomicFile.write(csv(rows, classes: classes), to: url)
    }

    /// Metrics of the model on a labelled folder (folder per class, the model's classes), in the
    /// order and with the decision and bootstrap of the test stage, so that on the experiment's
    /// test folder every number equals the test stage's.
    public static func evaluate(_ model: TrainedModel, data: URL, console: Console) throws -> Evaluation {
        let classes = model.predictor.info.classes
        let ds = try Dataset.load(root: data, layout: .folderPerClass, classes: classes)
        // "the test set has no images" after a progress bar said nothing of where they should be.
        guard !ds.items.isEmpty else {
            let beside = ds.unused.isEmpty ? "" : " (not read: \(ds.unused.prefix(5).map(\.description).joined(separator: "; "))\(ds.unused.count > 5 ? "; …" : ""))"
            throw PipelineError.invalid("\(data.path) has no images in class folders: evaluate expects one sub-folder per class, named as the model's classes (\(classes.map { $0 + "/" }.joined(separator: ", "))), with the images inside\(beside)")
        }
        let files = ds.items.map { ds.url(of: $0) }
        let bar = console.progress("evaluating", total: files.count, unit: "img")
        let probs = try model.predictor.probabilities(files, progress: bar)
        bar.finish()
        let set = try PredictionSet(classNames: classes, samples: zip(ds.items, probs).map {
            PredictedSample(file: ds.url(of: $0).path, trueLabel: $0.label, probabilities: $1)
        })
        return try Evaluation(test: set, options: model.decision.evaluationOptions(checkpoint: model.checkpointName))
    }

    /// How a report names the folder it evaluated (`folder` as the user gave it): the summary's
    /// first line, "Test metrics" only for the experiment's own test folder, and what the
    /// plot titles call the images, "test" there, else the folder's name ("val" → "ROC (val)",
    /// "1565 val images"). One look at the folder: a moved test folder is recognised by
    /// hashing its files.
    public static func names(_ model: TrainedModel, folder: String) -> (heading: String, images: String) {
        if isTestFolder(model, folder) {
            return ("Test metrics (the experiment's test set, \(folder)) for checkpoint: \(model.checkpointName)", "test")
        }
        return ("Metrics on \(folder) (not the experiment's test set) for checkpoint: \(model.checkpointName)",
                URL(fileURLWithPath: folder).standardizedFileURL.lastPathComponent)
    }

    static func isTestFolder(_ model: TrainedModel, _ folder: String) -> Bool {
        func canonical(_ u: URL) -> String { u.standardizedFileURL.resolvingSymlinksInPath().path }
        guard let test = model.testFolder else { return false }
        let given = URL(fileURLWithPath: folder)
        if canonical(test) == canonical(given) { return true }
        // The project may have moved since the state was written: the same files, by class and
        // content, are the same test set wherever they are.
        guard let recorded = model.testImages, !recorded.isEmpty,
              let ds = try? Dataset.load(root: given, layout: .folderPerClass, classes: model.predictor.info.classes),
              ds.items.count == recorded.count else { return false }
        let found = ds.items.compactMap { item in (try? FileBytes.sha256(ds.url(of: item))).map { "\(item.label) \($0)" } }
        return found.sorted() == recorded.map { "\($0.label) \($0.hash)" }.sorted()
    }
}
