// `plan`'s estimates for the train stages that will run: the images per epoch (from the load
// stage's output when it is cached, else from the file listing with the limit and split
// applied as the load stage will), and a measured speed (see TrainingEstimate).
import Foundation
import MonkData
import MonkPlan
import MonkVocabulary

extension PipelineRunner {
    /// An estimate per train stage that runs (identity → estimate); cached stages need none,
    /// so a plan with nothing to train times nothing.
    public func estimates(_ decisions: [StageDecision], sources: DataSources) throws -> [String: TrainingEstimate] {
        let running = decisions.filter { d in
            guard d.stage.kind == .train, case .runs = d.verdict else { return false }
            return true
        }
        guard !running.isEmpty else { return [:] }
        // Every train stage reads the same load stage (its key is in theirs).
        let loadKey = running[0].stage.inputs.digests["upstream load"]
        let images = try epochImages(sources: sources, loadKey: loadKey)
        var timed: [TimingKey: MeasuredSpeed] = [:]
        var out: [String: TrainingEstimate] = [:]
        for d in running {
            guard let name = d.stage.experiment, let e = plan.experiment(named: name) else { continue }
            func timedSpeed(_ e: ExperimentPlan) throws -> MeasuredSpeed {
                let key = TimingKey(e)
                if let known = timed[key] { return known }
                let speed = try timing(e, classes: sources.classes.count)
                timed[key] = speed
                return speed
            }
            let done = decider.resumePoint(d.stage)?.epoch ?? 0
            var speed: MeasuredSpeed
            if let measured = MeasuredSpeed.lastRun(layout.experiment(name), e, plan.data) {
                speed = measured
            } else {
                speed = try timedSpeed(e)
                // Frozen epochs, then epochs of the whole network: each phase at its own speed.
                if e.startsFrozen, let after = e.unfreezeAfterEpochs {
                    var whole = e
                    (whole.freezeBaseNetwork, whole.freezeLayers, whole.unfreezeAfterEpochs) = (false, 0, nil)
                    speed.train = MeasuredSpeed.phasedTrainRate(frozen: speed.train, whole: try timedSpeed(whole).train,
                                                                epochs: e.epochs, unfreezeAfter: after, done: done)
                }
            }
            out[d.stage.identity] = TrainingEstimate(
                trainImages: images.train, validationImages: images.validation, exactCounts: images.exact,
                epochs: max(e.epochs - done, 0), mayStopEarly: e.earlyStopping != nil,
                trainImagesPerSecond: speed.train, evalImagesPerSecond: speed.eval, source: speed.source)
        }
        return out
    }

    /// Training and validation images per epoch.
    func epochImages(sources: DataSources, loadKey: String?) throws -> (train: Int, validation: Int, exact: Bool) {
        // The load stage's output exists only once it completed (it is written last, atomically).
        if let loadKey, let loaded = try? LoadedData.read(
            LoadPaths(root: layout.cache.root.appendingPathComponent("load/\(loadKey)", isDirectory: true)).loaded) {
            return (loaded.train.count, loaded.validation.count, true)
        }
        let spec = LoadStage.input(plan)
        func limited(_ d: Dataset, _ split: SplitName) -> Dataset {
            spec.limit.map { d.limited($0, stream: UInt64(SplitName.allCases.firstIndex(of: split)!)) } ?? d
        }
        let train = limited(sources.train, .train)
        switch spec.validation {
        case .folder:
            let validation = sources.validation.map { limited($0, .val).items.count } ?? 0
            return (train.items.count, validation, false)
        case .split(let split):
            let sides = try Splitter.split(train.items, classCount: train.classes.count, settings: split)
            let validation = sides.filter { $0 == .val }.count
            return (sides.count - validation, validation, false)
        }
    }

    /// A few real training and evaluation steps of `e`'s network at the planned input size and
    /// batch (random weights and images: speed does not depend on them).
    func timing(_ e: ExperimentPlan, classes: Int) throws -> MeasuredSpeed {
        console.info("  timing \(e.model.rawValue) at \(plan.data.inputSize) px, batch \(plan.data.batchSize) on this machine (a few steps)…")
        let network = try ModelFactory.build(e, classes: (0..<max(classes, 2)).map { "class\($0)" }, weights: nil, console: Console(quiet: true))
        let settings = BenchSettings(size: plan.data.inputSize, batch: plan.data.batchSize, modes: [.train, .infer],
                                     warmup: 1, iterations: 3, threads: cores.threads(plan.threads))
        let measured = try Benchmark.run(network, name: e.model.rawValue, settings: settings)
        let train = measured.first { $0.mode == .train }?.images_per_s ?? 0
        let eval = measured.first { $0.mode == .infer }?.images_per_s
        return MeasuredSpeed(train: max(train, 1e-9), eval: eval, source: .timing)
    }
}

/// What a timing depends on: experiments that differ only in other settings share one.
struct TimingKey: Hashable {
    var model: String
    var freezeBaseNetwork: Bool
    var freezeLayers: Int

    /// The speed of `e`'s network as built: frozen as it starts (`unfreeze_after_epochs` is
    /// timed as a second, unfrozen setting).
    init(_ e: ExperimentPlan) {
        model = e.model.rawValue
        freezeBaseNetwork = e.freezeBaseNetwork
        freezeLayers = e.freezeLayers
    }
}
