// What `monkpipe submit` prints: the jobs and what each runs, or what a dry run wrote.
import Foundation
import MonkPipeline

enum SubmitReport {
    static func slurm(_ outcome: SlurmSubmitter.Outcome, file: String, json: Bool, console: Console) {
        switch outcome {
        case .nothingToRun:
            if json { printJSON(["submitted": [String: String]()]) } else { print("nothing to submit: every stage of \(file) is cached") }
        case .dryRun(let r):
            if json { printJSON(SubmissionJSON(r, dryRun: true)); return }
            print("dry run: scripts written to \(r.directory); would run:")
            // A word naming a job not submitted yet (`--dependency=afterok:<load job>`) is shown
            // as it is: quoting it whole left `'--dependency=afterok:<load job>` with one quote.
            for c in r.commands {
                print("  " + c.map { $0.contains("<load job>") || $0.contains("<experiments job>") ? $0 : ShellWords.quote($0) }.joined(separator: " "))
            }
        case .submitted(let r):
            if json { printJSON(SubmissionJSON(r, dryRun: false)); return }
            print("submitted to Slurm (scripts and logs in \(r.directory)):")
            if let j = r.loadJob { print("  job \(j)  load: index, split, check and decode the data") }
            if let j = r.arrayJob {
                let list = r.experiments.enumerated().map { "\($0.offset)=\($0.element)" }.joined(separator: " ")
                print("  job \(j)  experiments, one array task each (\(list))" + (r.loadJob.map { ", after \($0)" } ?? ""))
            }
            if let j = r.compareJob { print("  job \(j)  comparison" + ((r.arrayJob ?? r.loadJob).map { ", after \($0)" } ?? "")) }
            console.info("follow with: monkpipe status \(file)")
        }
    }

    static func kubernetes(_ outcome: KubernetesSubmitter.Outcome, file: String, json: Bool, console: Console) {
        switch outcome {
        case .nothingToRun:
            if json { printJSON(["jobs": [String]()]) } else { print("nothing to submit: every stage of \(file) is cached") }
        case let .written(url, jobs, missing):
            if json { printJSON(KubernetesJSON(manifest: url.path, jobs: jobs, applied: false)); return }
            print("wrote \(url.path) (Jobs \(jobs.joined(separator: ", ")))")
            if missing { print("kubectl is not installed here: apply it with `kubectl apply -f \(url.path)`") }
        case let .applied(url, jobs, report):
            if json { printJSON(KubernetesJSON(manifest: url.path, jobs: jobs, applied: true)); return }
            print("wrote and applied \(url.path):")
            print(report.trimmingCharacters(in: .whitespacesAndNewlines))
            console.info("follow with: kubectl get jobs \(jobs.joined(separator: " ")) and monkpipe status \(file)")
        }
    }

    struct KubernetesJSON: Encodable {
        var manifest: String
        var jobs: [String]
        var applied: Bool
    }

    struct SubmissionJSON: Encodable {
        var dryRun: Bool
        var directory: String
        var loadJob: String?
        var arrayJob: String?
        var compareJob: String?
        var experiments: [String]
        var commands: [[String]]
        init(_ r: SlurmSubmission, dryRun: Bool) {
            self.dryRun = dryRun
            directory = r.directory
            loadJob = r.loadJob
            arrayJob = r.arrayJob
            compareJob = r.compareJob
            experiments = r.experiments
            commands = r.commands
        }
        enum CodingKeys: String, CodingKey {
            case dryRun = "dry_run", directory, loadJob = "load_job", arrayJob = "array_job", compareJob = "compare_job", experiments, commands
        }
    }
}
