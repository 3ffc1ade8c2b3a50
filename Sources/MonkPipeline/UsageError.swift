// A command-line request that names something the pipeline does not have: the CLI exits 64
// (bad usage) with the message, which suggests the nearest valid name.
import MonkPlan

public struct UsageError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }

    /// "--experiment sgdd: no experiment named 'sgdd'; did you mean 'sgd'? (valid: adam, sgd)":
    /// `given` is the option as typed (nil where ArgumentParser names it already), `valid`
    /// describes the valid values (default: `known`).
    public static func unknownName(_ name: String, what: String, given: String?, known: [String], valid: String? = nil) -> UsageError {
        var text = (given.map { "\($0): " } ?? "") + "no \(what) named '\(name)'"
        if let near = Suggestion.nearest(to: name, in: known) { text += "; did you mean '\(near)'?" }
        text += " (valid: \(valid ?? known.joined(separator: ", ")))"
        return UsageError(message: text)
    }
}
