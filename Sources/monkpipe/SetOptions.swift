// `--set KEY=VALUE`, shared by the commands that read a pipeline file: settings laid over the
// file's for this invocation (typed and checked as the file is; see SpecOverride).
import ArgumentParser
import MonkPipeline

struct SetOptions: ParsableArguments {
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a setting of the file, e.g. --set defaults.epochs=1 --set experiments.adam.optimizer.lr=0.001 --set data.limit=200. The value is YAML, checked as if written in the file; results are cached under the settings they change. Repeatable; a later --set wins.",
        valueName: "key=value"),
            transform: SetOptions.parse)
    var overrides: [SpecOverride] = []

    /// A malformed option is a usage error (exit 64) that shows the expected form.
    static func parse(_ text: String) throws -> SpecOverride {
        do { return try SpecOverride(parsing: text) } catch { throw ValidationError(error.description) }
    }
}
