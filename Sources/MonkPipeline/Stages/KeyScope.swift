// Which plan values reach which stage's key. A key is computed from the values themselves
// (every stored property, by its canonical encoding: see `StageInputs.addProperties`), so a
// field added to the plan enters the keys without being listed anywhere; what is written
// here is only what stays out of a key, and why.
import MonkPlan

/// Why a stored property of a plan value stays out of a key. Keyed by the property's Swift
/// name; `KeyScopeTests` fails when a property of the plan types is in no key and not in
/// `KeyScope.noEffect`, or when a listed name is not a property. (`Plan.data` and
/// `Plan.experiments` enter property by property; `Plan.project` and `Plan.comparison`
/// enter the compare key.)
typealias KeyExclusions = [String: String]

enum KeyScope {
    /// Properties that affect no stage's results, so they are in no key.
    static let noEffect: [String: KeyExclusions] = [
        "Plan": [
            "workspace": "where outputs are written, not what they are",
            "seed": "resolved into each experiment's and the split's own seed, which are in the keys",
            "threads": "compute threads change speed only: every result is the same on any thread count",
            "overrides": "the --set options as typed: the values they set are in the data and experiment settings, which are in the keys",
            "discardedSettings": "warnings about the file, for people: what they describe is already in (or out of) the resolved settings",
        ],
        "DataPlan": [
            "workers": "decoding threads change speed only: images, batches and augmentation are the same",
        ],
        "ExperimentPlan": [
            "name": "a display name: renaming an experiment reruns nothing (the comparison lists the names)",
        ],
    ]

    /// Optional properties added after keys were first pinned: when absent (nil) they stay
    /// out of the key, so a spec that does not use them keeps the keys, and the caches, it
    /// had. When set they enter the keys like any other property.
    static let absentLeavesKey: Set<String> = ["limit", "unfreezeAfterEpochs"]

    /// The load stage: the data settings that decide which images are read, checked and split,
    /// and how they are decoded into the pixel cache (`data.preprocessing`, derived below).
    static let load: KeyExclusions = noEffect["DataPlan"]!.merging([
        "batchSize": "batches are formed by train and test, not load",
        "trainTransforms": "applied per epoch by train; the part load applies is data.preprocessing",
        "evalTransforms": "applied by train's validation and by test; the part load applies is data.preprocessing",
    ]) { a, _ in a }

    /// The train stage: everything of the experiment that decides the trained weights, and
    /// the data settings that the loaders use.
    static let trainExperiment: KeyExclusions = noEffect["ExperimentPlan"]!.merging([
        "testCheckpoint": "read only by the test stage, whose key has it",
        "evaluation": "read only by the test stage, whose key has it",
    ]) { a, _ in a }

    static let trainData: KeyExclusions = noEffect["DataPlan"]!.merging([
        "train": "read by load; reaches train through 'upstream load'",
        "validation": "read by load; reaches train through 'upstream load'",
        "test": "read by load; reaches train through 'upstream load'",
        "onBadImage": "applied by load; reaches train through 'upstream load'",
        "limit": "applied by load (which images are read); reaches train through 'upstream load'",
    ]) { a, _ in a }

    /// The test stage reads the trained weights (through 'upstream train', whose key has every
    /// other setting) and these two: so a new property, in the train key by default, reaches
    /// test through it.
    static let testExperiment: Set<String> = ["testCheckpoint", "evaluation"]
}
