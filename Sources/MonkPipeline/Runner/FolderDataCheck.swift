// `check-data FOLDER`: a folder of images checked without writing a spec first. The folder is
// a dataset root with train/ (and val/, test/) sub-folders, or one split with a sub-folder per
// class; the pixel cache the check fills lives in a temporary workspace, removed afterwards.
import Foundation
import MonkData
import MonkPlan

public enum FolderDataCheck {
    /// What `check-data` expects, for messages about anything else.
    public static let expected = "a pipeline file (YAML), a folder with train/ (and val/, test/) sub-folders, or a folder with one sub-folder per class"

    /// Whether `path` names a folder (then `check-data` checks its images).
    public static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The data check of the images under `folder`.
    public static func run(_ folder: String, console: Console) throws -> DataCheckReport {
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        let workspace = FileManager.default.temporaryDirectory
            .appendingPathComponent("monkpipe-check-data-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: workspace) }
        let text = try spec(for: root, workspace: workspace)
        let plan = try PlanLoader.plan(text: text, specDirectory: root.path, file: folder)
        return try PipelineRunner(plan: plan, console: console).checkData()
    }

    /// A spec reading the folder's splits: train/, val/ and test/ when train/ exists, else
    /// the folder itself as the training images (validation then splits from it, as by default).
    static func spec(for root: URL, workspace: URL) throws -> String {
        func folder(_ name: String) -> URL? {
            let url = root.appendingPathComponent(name)
            return isFolder(url.path) ? url : nil
        }
        let subfolders = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { !$0.hasPrefix(".") && isFolder(root.appendingPathComponent($0).path) }
        guard !subfolders.isEmpty else {
            throw UsageError(message: "\(root.path) has no sub-folders; check-data expects \(expected)")
        }
        var lines = ["project: check_data", "workspace: \(quoted(workspace.path))", "data:"]
        if let train = folder("train") {
            lines.append("  train: \(quoted(train.path))")
            if let val = folder("val") { lines.append("  val: \(quoted(val.path))") }
            if let test = folder("test") { lines.append("  test: \(quoted(test.path))") }
        } else {
            lines.append("  train: \(quoted(root.path))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar (JSON's string syntax is valid YAML).
    static func quoted(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }
}
