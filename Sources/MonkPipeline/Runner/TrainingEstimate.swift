// How long a train stage that `plan` says will run is likely to take, so nobody starts a
// five-hour run by accident: images per epoch × epochs at a speed measured on this machine —
// the experiment's last run (same network, input size, batch and freezing), or else a few
// real training steps timed now.
import Foundation
import MonkReport

/// A train stage's expected work and time.
public struct TrainingEstimate: Codable, Equatable, Sendable {
    public enum Source: String, Codable, Sendable {
        /// `history.json` of this experiment's last run.
        case lastRun = "last_run"
        /// A few training and evaluation steps of the network timed by `plan`.
        case timing
    }

    public var trainImages: Int
    public var validationImages: Int
    /// Whether the counts are the load stage's (else from the file listing, before images
    /// that fail to decode are left out).
    public var exactCounts: Bool
    /// Epochs left to run (fewer than planned when the stage resumes).
    public var epochs: Int
    /// Early stopping may end the run sooner.
    public var mayStopEarly: Bool
    public var trainImagesPerSecond: Double
    /// nil when the last run's log does not separate validation time.
    public var evalImagesPerSecond: Double?
    public var source: Source

    /// epochs × (train images / train speed + validation images / evaluation speed).
    public var seconds: Double {
        let validation = evalImagesPerSecond.map { Double(validationImages) / $0 } ?? 0
        return Double(epochs) * (Double(trainImages) / trainImagesPerSecond + validation)
    }

    /// The line `plan` prints under the stage.
    public var line: String {
        let about = exactCounts ? "" : "about "
        let speed = String(format: "%.1f train", trainImagesPerSecond) + (evalImagesPerSecond.map { String(format: " / %.1f eval", $0) } ?? "")
        let origin = source == .lastRun ? "measured in this experiment's last run" : "timed now: a few steps of the network on this machine"
        return "\(mayStopEarly ? "at most " : "")≈ \(Self.duration(seconds)): \(about)\(trainImages) train + \(validationImages) validation images per epoch × \(epochs) epoch\(epochs == 1 ? "" : "s") at \(speed) images/s (\(origin))"
    }

    /// The line after the stages when several train: their times added up.
    public static func total(_ estimates: [TrainingEstimate]) -> String {
        let early = estimates.contains(where: \.mayStopEarly) ? "at most " : ""
        return "training in all: \(early)≈ \(duration(estimates.reduce(0) { $0 + $1.seconds })) for \(estimates.count) train stages"
    }

    /// "45 s", "12 min", "2 h 05 min".
    public static func duration(_ s: Double) -> String {
        let seconds = Int(s.rounded())
        if seconds < 90 { return "\(seconds) s" }
        let minutes = (seconds + 30) / 60
        if minutes < 90 { return "\(minutes) min" }
        return String(format: "%d h %02d min", minutes / 60, minutes % 60)
    }
}

/// Training and evaluation speed of one setting.
struct MeasuredSpeed: Equatable {
    var train: Double
    var eval: Double?
    var source: TrainingEstimate.Source

    /// The speed the experiment's last run logged, if it trained the same network at the same
    /// input size, batch and freezing (other settings do not change the speed).
    static func lastRun(_ paths: ExperimentPaths, _ e: ExperimentPlan, _ data: DataPlan) -> MeasuredSpeed? {
        guard let state = try? JSONDecoder().decode(LastRun.self, from: Data(contentsOf: paths.state)), let summary = state.training,
              state.config.model == e.model.rawValue, state.data.inputSize == data.inputSize, state.data.batchSize == data.batchSize,
              state.config.freezeBaseNetwork == e.freezeBaseNetwork, state.config.freezeLayers == e.freezeLayers,
              state.config.unfreezeAfterEpochs == e.unfreezeAfterEpochs,
              let history = try? JSONDecoder().decode([EpochRecord].self, from: Data(contentsOf: paths.historyJSON)),
              !history.isEmpty, history.allSatisfy({ $0.trainImagesPerSecond > 0 }) else { return nil }
        // The run's rate as the train stage reports it: every epoch trains the same images,
        // so the harmonic mean of the epochs' rates.
        let trainSeconds = history.map { Double(summary.trainImages) / $0.trainImagesPerSecond }
        let train = Double(summary.trainImages * history.count) / trainSeconds.reduce(0, +)
        // An epoch's wall time is its training time plus its validation.
        let validationSeconds = zip(history, trainSeconds).reduce(0) { $0 + ($1.0.seconds - $1.1) }
        let eval = validationSeconds > 0 && summary.validationImages > 0
            ? Double(summary.validationImages * history.count) / validationSeconds : nil
        return MeasuredSpeed(train: train, eval: eval, source: .lastRun)
    }

    /// The training rate over the epochs left (after `done`) of a run that trains frozen, at
    /// `frozen` images/s, for its first `after` epochs, then whole at `whole` images/s: every
    /// epoch trains the same images, so the epochs' harmonic mean.
    static func phasedTrainRate(frozen: Double, whole: Double, epochs: Int, unfreezeAfter after: Int, done: Int) -> Double {
        let frozenEpochs = Double(max(min(after, epochs) - done, 0))
        let wholeEpochs = Double(max(epochs - max(after, done), 0))
        let seconds = frozenEpochs / frozen + wholeEpochs / whole
        return seconds > 0 ? (frozenEpochs + wholeEpochs) / seconds : whole
    }

    /// The part of experiment-state.json the speed depends on: read alone, so that a state
    /// written by an earlier monkpipe (whose plan lacked a later setting) still gives its speed.
    private struct LastRun: Decodable {
        struct Config: Decodable { var model: String; var freezeBaseNetwork: Bool; var freezeLayers: Int; var unfreezeAfterEpochs: Int? }
        struct DataSettings: Decodable { var inputSize: Int; var batchSize: Int }
        struct Training: Decodable { var trainImages: Int; var validationImages: Int }
        var config: Config
        var data: DataSettings
        var training: Training?
    }
}
