// Two small experiments for the comparison tests: known histories, facts and evaluations on
// the same 9 test images (the tied set), one of them with an awkward name to test escaping.
@testable import MonkReport

enum RunFixtures {
    static let configuration = TrainingConfiguration(
        model: "resnet18_v1", pretrained: true, frozen: "backbone", epochs: 3, optimizer: "sgd",
        learningRate: 0.01, schedule: "step ×0.98 per epoch", loss: "cross-entropy", batchSize: 4, inputSize: 224)

    /// The kept checkpoint is the epoch of the lowest validation loss (the default `best_metric`).
    static func run(_ name: String, scores: (pos: [Double], neg: [Double]), history: [EpochRecord]) throws -> ExperimentRun {
        let test = Fixtures.binary(positives: scores.pos, negatives: scores.neg)
        let evaluation = try Evaluation(test: test, options: EvaluationOptions(
            bootstrap: BootstrapSettings(samples: 50, seed: 1), checkpoint: "best on validation"))
        return ExperimentRun(
            project: "Pneumonia", experiment: name, configuration: configuration,
            facts: RunFacts(trainingSeconds: 12.5, peakMemoryMB: 812.4, trainImagesPerSecond: 40,
                            trainImages: 3651, validationImages: 1565, testImages: 9),
            history: history, settings: [Setting("model", "resnet18_v1"), Setting("note", "a < b & \"c\"")],
            evaluation: evaluation, kept: KeptCheckpoint(epoch: history.min { $0.valLoss < $1.valLoss }?.epoch, history: history))
    }

    static let history = [
        EpochRecord(epoch: 1, learningRate: 0.01, trainLoss: 0.6, trainAccuracy: 0.7, valLoss: 0.5, valAccuracy: 0.75, seconds: 1, trainImagesPerSecond: 1),
        EpochRecord(epoch: 2, learningRate: 0.01, trainLoss: 0.4, trainAccuracy: 0.8, valLoss: 0.45, valAccuracy: 0.8, seconds: 1, trainImagesPerSecond: 1),
        EpochRecord(epoch: 3, learningRate: 0.01, trainLoss: 0.3, trainAccuracy: 0.85, valLoss: 0.47, valAccuracy: 0.8, seconds: 1, trainImagesPerSecond: 1),
    ]

    /// A = the tied set (6/9 correct at 0.5); B predicts with p = 0.9 for every pneumonia
    /// image and 0.1 for every normal one (9/9 correct).
    static func two() throws -> [ExperimentRun] {
        [try run("Exp_A", scores: ([0.9, 0.8, 0.6, 0.4], [0.7, 0.6, 0.3, 0.2, 0.1]), history: history),
         try run("Exp <B> & co", scores: ([0.9, 0.9, 0.9, 0.9], [0.1, 0.1, 0.1, 0.1, 0.1]),
                 history: Array(history.prefix(2)))]
    }
}
