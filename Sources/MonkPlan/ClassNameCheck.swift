// Class names written in a spec (`positive_class`), and per-class lists (`class_weights`),
// checked against the classes of the training data, so a misspelt class is an error at its
// line before anything runs rather than after hours of training.
import Foundation
import MonkVocabulary

enum ClassNameCheck {
    /// Errors for every `positive_class` that names no class (suggesting the nearest, case
    /// included: `normal` → `NORMAL`) and every `class_weights` list whose length is not the
    /// class count, wherever they are written (defaults, experiments, sweeps).
    static func errors(in node: YAMLNode, classes: [String]) -> [SpecError] {
        var errors: [SpecError] = []
        visit(node) { key, value in
            switch (key, value.value) {
            case ("positive_class", .scalar(let name, _)) where name != "auto" && !classes.contains(name):
                // Case-insensitive: `normal` is one step from nothing but `NORMAL`.
                let near = Suggestion.nearest(to: name, in: classes)
                errors.append(SpecError(.invalidValue, at: value.mark, path: value.path,
                                        "no class named '\(clipped(name))' in the training data (classes: \(classes.joined(separator: ", ")))",
                                        suggestion: near))
            case ("class_weights", .sequence(let items)) where items.count != classes.count:
                errors.append(SpecError(.conflict, at: value.mark, path: value.path,
                                        "\(items.count) weight\(items.count == 1 ? "" : "s") for \(classes.count) classes (\(classes.joined(separator: ", ")), in this order)"))
            default:
                break
            }
        }
        return errors
    }

    /// Calls `body` for every mapping entry of the tree (depth-first, in file order).
    private static func visit(_ node: YAMLNode, _ body: (String, YAMLNode) -> Void) {
        switch node.value {
        case .scalar: return
        case .sequence(let items): for item in items { visit(item, body) }
        case .mapping(let entries):
            for entry in entries {
                body(entry.key, entry.value)
                visit(entry.value, body)
            }
        }
    }

    /// The class names of a folder source: its sub-folders, sorted as the data loader sorts
    /// them; nil for a CSV (its labels are read with the data) or a folder that cannot be read.
    static func classes(of source: DatasetSource) -> [String]? {
        guard case .folder(let path) = source,
              let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
        let folders = names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory) && isDirectory.boolValue
        }
        return folders.isEmpty ? nil : folders.sorted()
    }
}
