// Options and error handling every subcommand shares.
import ArgumentParser
import Foundation
import MonkPipeline

struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print only errors and the final result.")
    var quiet = false

    @Flag(name: .long, help: "Print machine-readable JSON instead of text.")
    var json = false

    var console: Console { Console(quiet: quiet || json) }
}

/// The documented exit statuses (README, "Exit status").
typealias Exit = ExitStatus

/// Loads a spec, or exits with status 2 and every error in it.
func loadPlan(_ path: String) throws -> Plan {
    try loadPlan(path, nil)
}

/// Loads a spec with `--set` options laid over it, or exits with status 2 and every error.
func loadPlan(_ path: String, _ settings: SetOptions?) throws -> Plan {
    do {
        let plan = try PlanLoader.load(path: path, overrides: settings?.overrides ?? [])
        printWarnings(plan, file: path)
        return plan
    } catch {
        FileHandle.standardError.write(Data(error.render().utf8))
        throw ExitCode(Exit.badSpec)
    }
}

/// The plan's warnings (valid settings that are probably not meant) on stderr.
func printWarnings(_ plan: Plan, file: String) {
    for warning in plan.warnings {
        FileHandle.standardError.write(Data("warning: \(Console.printable("\(file): \(warning)"))\n".utf8))
    }
}

/// A warning on stderr for each experiment that `status` calls `unreadable`: its
/// experiment-state.json is damaged, a folder or refused (a run whose stages are cached does
/// not write it, and `show`'s table says only `unreadable`): the file, what is wrong, what to do.
func warnUnreadableStates(_ plan: Plan) {
    warnUnreadableStates(ResultsOverview.unreadableStates(plan))
}

/// The warnings of `warnUnreadableStates` for states already read (`ResultsOverview.overview`).
func warnUnreadableStates(_ unreadable: [String]) {
    for why in unreadable {
        FileHandle.standardError.write(Data("warning: \(Console.printable(why))\n".utf8))
    }
}

/// Runs `body`, turning library errors into a message on stderr and the documented status.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as ExitCode {
        throw e
    } catch let e as StoppedByUser {
        FileHandle.standardError.write(Data("\(Console.printable("\(e)"))\n".utf8))
        throw ExitCode(Exit.interrupted)
    } catch let e as UsageError {
        FileHandle.standardError.write(Data("error: \(e)\n".utf8))
        throw ExitCode(Exit.usage)
    } catch let e as RunLock.LockError {
        FileHandle.standardError.write(Data("error: \(Console.printable("\(e)"))\n".utf8))
        throw ExitCode(Exit.locked)
    } catch let e as PipelineError where e.refusesEveryRun {
        // Status 4, not 1: a cluster retries a job that failed, never one that was refused.
        FileHandle.standardError.write(Data("error: \(Console.printable("\(e)"))\n".utf8))
        throw ExitCode(Exit.refused)
    } catch {
        FileHandle.standardError.write(Data("error: \(Console.printable(FileSystemError.text(error)))\n".utf8))
        throw ExitCode(Exit.failure)
    }
}

/// Prints `value` as one line of JSON. `specKeys` spells the keys of Swift properties as the
/// YAML does (`batch_size`, not `batchSize`); only for values without user-named keys, since
/// it would rewrite a key like a class name too.
func printJSON<T: Encodable>(_ value: T, specKeys: Bool = false) {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    if specKeys { enc.keyEncodingStrategy = .convertToSnakeCase }
    if let data = try? enc.encode(value), let s = String(data: data, encoding: .utf8) { print(s) }
}
