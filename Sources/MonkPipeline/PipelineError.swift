// Errors of running a pipeline that are not errors of the spec, the data or the engine.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    case emptySplit(String)
    case unknownModel(String)
    case unknownExperiment(String, known: [String])
    case missingOutput(stage: String, path: String)
    case missingUpstream(stage: String, needs: String)
    case invalid(String)
    /// A file the pipeline reads (weights, data) that cannot be read, with the system's reason.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .emptySplit(let s): return "the \(s) set is empty: check the data folders and the split fraction"
        case .unknownModel(let m): return "no network named \(m) in this build of monkpipe"
        case let .unknownExperiment(name, known):
            return "no experiment named \(name); the spec has: \(known.joined(separator: ", "))"
        case let .missingOutput(stage, path): return "\(stage) finished without writing \(path)"
        case let .missingUpstream(stage, needs): return "\(stage) needs the output of \(needs), which has not run"
        case .invalid(let s): return s
        case let .unreadableFile(path, reason): return "cannot read \(path): \(reason)"
        }
    }
}
