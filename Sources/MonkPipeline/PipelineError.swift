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
    /// The comparison's folder holds the report of `others`, projects of the same workspace
    /// whose comparison has the same name.
    case comparisonOfAnotherProject(name: String, folder: String, project: String, others: [String])

    /// Whether every run of the pipeline is refused for this, before anything runs, until the
    /// spec or the workspace changes: the commands exit with `ExitStatus.refused`.
    public var refusesEveryRun: Bool {
        if case .comparisonOfAnotherProject = self { return true }
        return false
    }

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
        case let .comparisonOfAnotherProject(name, folder, project, others):
            let whose = others.map { "'\($0)'" }.joined(separator: ", ")
            let rename = String("\(project)_\(name)".prefix(100))
            return "the comparison '\(name)' of project '\(project)' would write over the report of project \(whose) in \(folder)"
                + " (every project of a workspace writes its comparisons to comparison/<name>/); nothing was written there."
                + " Name this comparison differently (comparison: {name: \(rename)} in the spec, or --set comparison.name=\(rename)),"
                + " or use another workspace, or delete that folder if the report of \(whose) is no longer needed"
        }
    }
}
