// What a plan reads from outside itself, listed and fingerprinted (I/O): the data files and
// the pretrained weights. The stage keys are computed from these digests.
import Foundation
import MonkData
import MonkPlan
import MonkVocabulary

struct PipelineInputs {
    var sources: DataSources
    /// Pretrained weights file per `ExperimentPlan.pretrainedKey`.
    var weightFiles: [String: URL]
    var digests: ExternalDigests
    /// Experiments that cannot run, and why (a weights file that is missing or unreadable).
    var blocked: [String: String]

    /// Lists the datasets, hashes every data and weights file (trusting `hashes` for files
    /// that did not change), and saves the hashes for the next run.
    static func fingerprint(_ plan: Plan, hashes: FileFingerprints, environment: [String: String],
                            console: Console) throws -> PipelineInputs {
        let sources = try DataSources.list(plan.data)
        let total = sources.train.items.count + (sources.validation?.items.count ?? 0) + (sources.test?.items.count ?? 0)
        console.info("data: \(total) files, classes \(sources.classes.joined(separator: ", "))")
        let dataListing = try sources.listing(hashes)
        var weightFiles: [String: URL] = [:]
        var weightDigests: [String: String] = [:]
        // A missing weights file blocks only its experiment: the others still plan and run.
        var blocked: [String: String] = [:]
        for e in plan.experiments {
            do {
                guard let url = try ModelFactory.pretrainedFile(e, environment: environment),
                      let key = e.pretrainedKey else { continue }
                weightFiles[key] = url
                weightDigests[key] = try hashes.hash(url)
            } catch {
                blocked[e.name] = "\(error)"
            }
        }
        hashes.save()
        return PipelineInputs(sources: sources, weightFiles: weightFiles,
                              digests: ExternalDigests(dataFiles: SHA256.hex(dataListing), weights: weightDigests,
                                                        dataFileListing: dataListing), blocked: blocked)
    }

    /// A `positive_class` that names no class of the data stops the run before anything
    /// trains. (Folder sources are checked when the spec loads; this covers CSV labels.)
    func checkClassNames(_ plan: Plan) throws {
        let classes = sources.classes
        for e in plan.experiments {
            guard case .named(let name) = e.evaluation.positiveClass, !classes.contains(name) else { continue }
            let near = Suggestion.nearest(to: name, in: classes).map { "; did you mean '\($0)'?" } ?? ""
            throw PipelineError.invalid("experiment \(e.name): positive_class: no class named '\(name)' in the training data\(near) (classes: \(classes.joined(separator: ", ")))")
        }
    }

    /// Marks the stages of blocked experiments, and a comparison that includes one, as
    /// unable to run.
    func markBlocked(_ stages: inout [PlannedStage], comparison: ComparisonPlan) {
        for i in stages.indices {
            if let e = stages[i].experiment, let why = blocked[e] {
                stages[i].blockedBy = why
            } else if stages[i].kind == .compare, let name = comparison.experiments.first(where: { blocked[$0] != nil }) {
                stages[i].blockedBy = "experiment \(name) cannot run"
            }
        }
    }
}
