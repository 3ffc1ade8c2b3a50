// A JSON file monkpipe wrote earlier (an experiment's state, its training history, a split
// manifest, a checkpoint's sidecar) that no longer decodes, as one line a user reads: which
// file, what is wrong in plain words and what to do — in place of Swift's
// "DecodingError.dataCorrupted: Data was corrupted. Debug description: …" dump.
import Foundation

public struct DamagedFile: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    /// What is wrong: "it is not valid JSON", "it is empty", "training.epochs_run is missing".
    public var problem: String
    /// What the user can do, as a clause: "run the pipeline with --force train/sgd to …".
    public var remedy: String?

    public init(path: String, problem: String, remedy: String? = nil) {
        self.path = path
        self.problem = problem
        self.remedy = remedy
    }

    public var description: String {
        "\(path) is damaged (\(problem))" + (remedy.map { "; \($0)" } ?? "")
    }

    /// The JSON file at `url` decoded as `T`. A file that cannot be read throws the system's
    /// error (shown by `FileSystemError.text`); one that does not decode throws `DamagedFile`
    /// with `remedy`. The file is left as it is.
    public static func decodeJSON<T: Decodable>(_ type: T.Type, from url: URL, remedy: String? = nil) throws -> T {
        let data = try Data(contentsOf: url)
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw DamagedFile(path: url.path, problem: problem(error, empty: data.isEmpty), remedy: remedy)
        }
    }

    /// What a decoding error says is wrong with the file, in plain words.
    public static func problem(_ error: DecodingError, empty: Bool = false) -> String {
        switch error {
        case .dataCorrupted(let c) where c.codingPath.isEmpty:
            return empty ? "it is empty" : "it is not valid JSON"
        case .dataCorrupted(let c):
            return "the value of \(field(c.codingPath)) is not valid"
        case .keyNotFound(let key, let c):
            return "\(field(c.codingPath + [key])) is missing"
        case .valueNotFound(_, let c):
            return "\(field(c.codingPath)) is null"
        case .typeMismatch(let type, let c):
            return "\(field(c.codingPath)) is not \(noun(type))"
        @unknown default:
            return "it does not decode"
        }
    }

    /// "training.epochs_run", "[0].epoch", "entries[3].hash"; "the top level" for the file itself.
    static func field(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "the top level" }
        var text = ""
        for key in path {
            if let i = key.intValue { text += "[\(i)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    /// What a value of `type` is in JSON: "a number", "text", "a list", …
    static func noun(_ type: Any.Type) -> String {
        let name = "\(type)"
        if ["Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64", "Double", "Float"].contains(name) {
            return "a number"
        }
        if name == "String" { return "text" }
        if name == "Bool" { return "true or false" }
        if name.hasPrefix("Array<") { return "a list" }
        if name.hasPrefix("Dictionary<") { return "an object" }
        return "what monkpipe expects (\(name))"
    }
}
