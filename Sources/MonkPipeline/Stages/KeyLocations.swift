// Paths stay out of stage keys: a dataset folder, a CSV file or a weights file reaches a key
// by its content (`data.files`, `pretrained file`), never by where it is, so a project that is
// moved, or restored into a checkout at another path, keeps every cached stage. The digests
// the paths had in keys of format 1 are kept beside the key, so that records written then
// are still recognised (`LegacyRecords`).
import MonkPlan
import MonkVocabulary

enum KeyLocations {
    /// What stands for a path in a key's readable value.
    static let byContent = "(by content)"

    static func locationFree(_ source: DatasetSource) -> DatasetSource {
        switch source {
        case .folder: return .folder(path: byContent)
        case .csv(var csv):
            csv.file = byContent
            csv.root = byContent
            return .csv(csv)
        }
    }
}

extension DataPlan {
    /// The plan's data with every path replaced by `KeyLocations.byContent`.
    var withoutLocations: DataPlan {
        var d = self
        d.train = KeyLocations.locationFree(train)
        d.test = test.map(KeyLocations.locationFree)
        if case .folder = validation { d.validation = .folder(path: KeyLocations.byContent) }
        return d
    }
}

extension ExperimentPlan {
    /// The experiment with a pretrained file's path replaced by `KeyLocations.byContent`.
    var withoutLocations: ExperimentPlan {
        var e = self
        if case .file = pretrained { e.pretrained = .file(path: KeyLocations.byContent) }
        return e
    }
}

extension StageInputs {
    /// Adds the properties of `value` as `addProperties` does, from `free` (the value without
    /// its paths), and returns the digests that the inputs holding paths had under format 1
    /// (from `value` itself), by name.
    mutating func addProperties<T>(of value: T, locationFree free: T, prefix: String = "",
                                   excluding excluded: KeyExclusions) -> [String: String] {
        var located = StageInputs()
        located.addProperties(of: value, prefix: prefix, excluding: excluded)
        addProperties(of: free, prefix: prefix, excluding: excluded)
        return located.digests.filter { digests[$0.key] != $0.value }
    }
}
