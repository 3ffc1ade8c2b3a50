// The kinds of stage a pipeline runs, in dependency order (`--force train`, `plan`'s lines).

/// The kinds of stage a pipeline runs, in dependency order.
public enum StageKind: String, Vocabulary, Comparable {
    case load, train, test, compare

    public static let concept = "stage kind"

    public var summary: String {
        switch self {
        case .load: "index, check and split the images, fill the pixel cache (shared by experiments)"
        case .train: "train one experiment, validating every epoch"
        case .test: "evaluate one experiment's chosen checkpoint on the test set"
        case .compare: "the comparison report across experiments"
        }
    }

    public static func < (a: StageKind, b: StageKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
