// One epoch of a training run, declared once: the trainer appends it to the experiment's
// history (history.json and history.csv, whose form it is) and the comparison charts it.

/// One line of the training log (the experiment's history.csv and history.json; the pipeline
/// names those files in ExperimentPaths).
public struct EpochRecord: Codable, Equatable, Sendable {
    /// 1-based, as printed.
    public var epoch: Int
    public var learningRate: Double
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var valLoss: Double
    public var valAccuracy: Double
    /// Validation ROC AUC (`Trainer.evaluate`); nil when a class has no validation image,
    /// and in histories written before it was recorded.
    public var valAUC: Double?
    /// Wall time of the epoch's training and validation, in seconds.
    public var seconds: Double
    /// Images per second of the epoch's training loop, wall clock, waits for data included:
    /// the rate a user sees, comparable with `monkpipe bench` (which has no data to wait for).
    public var trainImagesPerSecond: Double
    /// Wall time of the epoch's validation pass (absent in histories written before it was kept).
    public var validationSeconds: Double?
    /// CPU time of the whole process (compute and loader threads) over the training loop: on
    /// a machine shared with other jobs it grows far less than the wall time, so per image it
    /// is the figure to compare with `monkpipe bench`'s CPU ms per step (absent in older logs).
    public var trainCPUSeconds: Double?

    public init(epoch: Int, learningRate: Double, trainLoss: Double, trainAccuracy: Double, valLoss: Double,
                valAccuracy: Double, valAUC: Double? = nil, seconds: Double, trainImagesPerSecond: Double,
                validationSeconds: Double? = nil, trainCPUSeconds: Double? = nil) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.valLoss = valLoss
        self.valAccuracy = valAccuracy
        self.valAUC = valAUC
        self.seconds = seconds
        self.trainImagesPerSecond = trainImagesPerSecond
        self.validationSeconds = validationSeconds
        self.trainCPUSeconds = trainCPUSeconds
    }
}
