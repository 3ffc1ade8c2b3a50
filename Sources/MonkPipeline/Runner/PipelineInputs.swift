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
    static func fingerprint(_ plan: Plan, hashes: FileFingerprints, fetch: PretrainedFetch,
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
            if let problem = classWeightsProblem(e.loss, classes: sources.classes) {
                blocked[e.name] = problem
                continue
            }
            do {
                guard let url = try ModelFactory.pretrainedFile(e, fetch: fetch, console: console),
                      let key = e.pretrainedKey else { continue }
                weightFiles[key] = url
                weightDigests[key] = try hashes.hash(url)
            } catch {
                blocked[e.name] = FileSystemError.text(error)
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

    /// Explicit class weights of the wrong length were found only when training started;
    /// the class folders are listed here, before any stage runs.
    static func classWeightsProblem(_ loss: MonkPlan.Loss, classes: [String]) -> String? {
        let weights: ClassWeights
        switch loss {
        case .crossEntropy(let w, _), .binaryCrossEntropy(let w): weights = w
        }
        guard case .explicit(let list) = weights, list.count != classes.count else { return nil }
        return "loss.class_weights has \(list.count) value\(list.count == 1 ? "" : "s") but the training data has \(classes.count) classes (\(classes.joined(separator: ", "))); give one weight per class, in that order"
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
