// The data section of a plan: sources, the validation split, preprocessing and batching
// (the sources, transforms and limit are declared in MonkVocabulary, which the loader shares).
import MonkVocabulary

/// Where the train, validation and test images come from and how they are prepared.
public struct DataPlan: Codable, Equatable, Sendable {
    public var train: DatasetSource
    /// A separate folder, or a seeded split carved out of `train`.
    public var validation: ValidationSource
    /// Optional test set; without it the test stage is skipped.
    public var test: DatasetSource?
    /// Side of the square network input in pixels.
    public var inputSize: Int
    public var batchSize: Int
    /// Threads that decode and transform images.
    public var workers: ThreadCount
    /// How decoded images are turned into network channels.
    public var color: ColorMode
    /// Applied to training images, in order.
    public var trainTransforms: [Transform]
    /// Applied to validation and test images, in order.
    public var evalTransforms: [Transform]
    public var onBadImage: BadImagePolicy
    /// A seeded, stratified part of each folder read, for quick runs (`data.limit`); nil for
    /// all images.
    public var limit: DataLimit?

    public init(train: DatasetSource, validation: ValidationSource, test: DatasetSource?,
                inputSize: Int, batchSize: Int, workers: ThreadCount, color: ColorMode,
                trainTransforms: [Transform], evalTransforms: [Transform], onBadImage: BadImagePolicy,
                limit: DataLimit? = nil) {
        self.train = train
        self.validation = validation
        self.test = test
        self.inputSize = inputSize
        self.batchSize = batchSize
        self.workers = workers
        self.color = color
        self.trainTransforms = trainTransforms
        self.evalTransforms = evalTransforms
        self.onBadImage = onBadImage
        self.limit = limit
    }
}
