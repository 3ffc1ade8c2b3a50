// What the compare stage knows about one experiment: its settings, its per-epoch history,
// run facts (time, memory, throughput, image counts) and its test evaluation.
import Foundation

/// A setting shown in the report as "key: value", in the order the pipeline gives.
public struct Setting: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// The training configuration columns of comparison.csv, as display text and numbers.
public struct TrainingConfiguration: Sendable, Equatable {
    public var model: String
    public var pretrained: Bool
    /// Which parameters were not trained, e.g. "none" or "backbone" (Monk's inverted
    /// "All layers trained" column is what this replaces).
    public var frozen: String
    public var epochs: Int
    public var optimizer: String
    public var learningRate: Double
    /// The learning-rate schedule, e.g. "step ×0.98 every epoch".
    public var schedule: String
    public var loss: String
    public var batchSize: Int
    /// Side of the square network input, in pixels.
    public var inputSize: Int

    public init(model: String, pretrained: Bool, frozen: String, epochs: Int, optimizer: String,
                learningRate: Double, schedule: String, loss: String, batchSize: Int, inputSize: Int) {
        self.model = model
        self.pretrained = pretrained
        self.frozen = frozen
        self.epochs = epochs
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.schedule = schedule
        self.loss = loss
        self.batchSize = batchSize
        self.inputSize = inputSize
    }
}

/// Measured facts of the run; `nil` when a stage did not measure it.
public struct RunFacts: Sendable, Equatable {
    /// Wall time of the train stage, seconds.
    public var trainingSeconds: Double?
    /// Peak resident memory of the train stage, MB (10⁶ bytes).
    public var peakMemoryMB: Double?
    /// Training images processed per second (forward + backward + step).
    public var trainImagesPerSecond: Double?
    public var trainImages: Int
    public var validationImages: Int
    public var testImages: Int

    public init(trainingSeconds: Double?, peakMemoryMB: Double?, trainImagesPerSecond: Double?,
                trainImages: Int, validationImages: Int, testImages: Int) {
        self.trainingSeconds = trainingSeconds
        self.peakMemoryMB = peakMemoryMB
        self.trainImagesPerSecond = trainImagesPerSecond
        self.trainImages = trainImages
        self.validationImages = validationImages
        self.testImages = testImages
    }
}

/// Everything the comparison report shows about one experiment.
public struct ExperimentRun: Sendable, Equatable {
    public var project: String
    public var experiment: String
    public var configuration: TrainingConfiguration
    public var facts: RunFacts
    public var history: [EpochRecord]
    /// Shown verbatim in the report's settings section.
    public var settings: [Setting]
    /// `nil` when the experiment has not been tested.
    public var evaluation: Evaluation?
    /// The checkpoint the experiment keeps for use; `nil` when its epoch is not in `history`.
    public var kept: KeptCheckpoint?

    public init(project: String, experiment: String, configuration: TrainingConfiguration, facts: RunFacts,
                history: [EpochRecord], settings: [Setting], evaluation: Evaluation?, kept: KeptCheckpoint?) {
        self.project = project
        self.experiment = experiment
        self.configuration = configuration
        self.facts = facts
        self.history = history
        self.settings = settings
        self.evaluation = evaluation
        self.kept = kept
    }

    /// "project/experiment": unique within a comparison.
    public var label: String { "\(project)/\(experiment)" }
}

/// The weights an experiment keeps for use (the pipeline says which epoch's: those its test
/// stage evaluates and `infer`, `evaluate` and `export` load) with that epoch's validation
/// accuracy. It is the one validation accuracy `status`, `show` and the comparison report give
/// an experiment, so that they agree; the other epochs' are in its curves.
public struct KeptCheckpoint: Sendable, Equatable {
    public var epoch: Int
    public var valAccuracy: Double

    /// The record of `epoch` in `history`; nil without an epoch or without its record.
    public init?(epoch: Int?, history: [EpochRecord]) {
        guard let epoch, let record = history.first(where: { $0.epoch == epoch }) else { return nil }
        self.epoch = epoch
        valAccuracy = record.valAccuracy
    }
}
