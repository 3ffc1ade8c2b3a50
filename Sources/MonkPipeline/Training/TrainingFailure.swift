// Why a training run refuses to go on: its loss stopped being a number, or its saved state
// cannot be trusted. Both name what happened and what the user can do.
import Foundation

/// A non-finite loss (`lr: 1e38` overflows within a batch). Training stops before the
/// optimizer steps on NaN gradients, so no checkpoint of the diverged weights is written:
/// `best.safetensors` stays the last finite epoch's, if any.
public struct TrainingDiverged: Error, CustomStringConvertible, Equatable {
    /// 1-based, as the progress lines count them.
    public var epoch: Int
    public var batch: Int
    /// "training" or "validation".
    public var phase: String
    public var loss: Float
    /// The last finite training loss of this run (nil when the first batch diverged).
    public var lastFiniteLoss: Float?

    public var description: String {
        let last = lastFiniteLoss.map { String(format: "the last finite loss was %.6g", Double($0)) }
            ?? "no batch of this run had a finite loss"
        let place = phase == "validation" ? "validation after epoch \(epoch)" : "epoch \(epoch), batch \(batch)"
        return "training diverged: the \(phase) loss became \(loss) at \(place) (\(last)); "
            + "lower the learning rate or check the data; no checkpoint of the diverged weights was kept"
    }
}

/// A resume snapshot that exists but does not read back (cut, flipped, or not a snapshot).
/// Restarting from the first epoch in silence would throw away hours; the user decides.
public struct DamagedSnapshot: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public var stage: String

    public var description: String {
        "the saved training state \(path) is damaged (\(reason)); delete it to train \(stage) from the first epoch, "
            + "or run with --force \(stage)"
    }
}
