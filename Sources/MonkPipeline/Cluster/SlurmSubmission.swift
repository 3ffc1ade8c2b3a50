// The record of one Slurm submission, kept beside its scripts and logs under
// `workspace/.cluster/<project>/slurm/<time>/`: which job runs what, for `status`.
import Foundation
import MonkEngine

public struct SlurmSubmission: Codable, Sendable, Equatable {
    public var format = 1
    /// ISO 8601, UTC.
    public var submitted: String
    public var spec: String
    public var directory: String
    public var loadJob: String?
    /// The array job; task `i` runs `experiments[i]`.
    public var arrayJob: String?
    public var compareJob: String?
    public var experiments: [String]
    /// The sbatch command lines, as run (or, for a dry run, as they would run).
    public var commands: [[String]]

    public static let fileName = "submission.json"

    /// The array task running `experiment` (`<array job>_<index>`), if this submission has it.
    public func task(of experiment: String) -> String? {
        guard let a = arrayJob, let i = experiments.firstIndex(of: experiment) else { return nil }
        return "\(a)_\(i)"
    }

    /// The log of `experiment`'s task (appended to across requeues).
    public func log(of experiment: String) -> URL? {
        guard let t = task(of: experiment) else { return nil }
        return URL(fileURLWithPath: directory).appendingPathComponent("logs/experiment-\(t).out")
    }

    public func log(of role: ClusterJobRole) -> URL? {
        switch role {
        case .load: return loadJob.map { URL(fileURLWithPath: directory).appendingPathComponent("logs/load-\($0).out") }
        case .compare: return compareJob.map { URL(fileURLWithPath: directory).appendingPathComponent("logs/compare-\($0).out") }
        case .experiments: return nil
        }
    }

    /// Every job id this submission owns.
    public var jobs: [String] { [loadJob, arrayJob, compareJob].compactMap { $0 } }

    func write() throws {
        try AtomicFile.writeJSON(self, to: URL(fileURLWithPath: directory).appendingPathComponent(Self.fileName))
    }
}

/// Where a project's cluster submissions live.
public struct ClusterDirectory: Sendable {
    public let root: URL

    public init(workspace: URL, project: String) {
        root = workspace.appendingPathComponent(".cluster", isDirectory: true).appendingPathComponent(project, isDirectory: true)
    }

    public var slurm: URL { root.appendingPathComponent("slurm", isDirectory: true) }
    public var kubernetes: URL { root.appendingPathComponent("kubernetes", isDirectory: true) }

    /// Slurm submissions, newest first.
    public func slurmSubmissions() -> [SlurmSubmission] {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: slurm.path)) ?? []).sorted(by: >)
        return names.compactMap { name in
            let url = slurm.appendingPathComponent(name).appendingPathComponent(SlurmSubmission.fileName)
            return (try? Data(contentsOf: url)).flatMap { try? JSONDecoder().decode(SlurmSubmission.self, from: $0) }
        }
    }

    /// A new, empty directory named after the time (UTC), made unique with a suffix.
    func newSubmissionDirectory(under parent: URL, now: Date = Date()) throws -> URL {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = f.string(from: now)
        let fm = FileManager.default
        try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        for n in 1...1000 {
            let dir = parent.appendingPathComponent(n == 1 ? stamp : "\(stamp)-\(n)", isDirectory: true)
            do {
                try fm.createDirectory(at: dir, withIntermediateDirectories: false)
                return dir
            } catch where fm.fileExists(atPath: dir.path) {
                continue
            }
        }
        throw PipelineError.invalid("cannot create a new submission directory under \(parent.path)")
    }
}
