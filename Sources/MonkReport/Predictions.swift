// The input every metric is computed from: class names, and for each test image its file,
// true class and predicted class probabilities. Validated once so the metrics can trust it.
import Foundation

/// One evaluated image: where it came from, its true class, and the model's probabilities.
public struct PredictedSample: Sendable, Equatable {
    /// The image's path or name as it should appear in `predictions.csv`.
    public var file: String
    /// Index into `PredictionSet.classNames`.
    public var trueLabel: Int
    /// One probability per class, in `classNames` order.
    public var probabilities: [Double]

    public init(file: String, trueLabel: Int, probabilities: [Double]) {
        self.file = file
        self.trueLabel = trueLabel
        self.probabilities = probabilities
    }
}

/// A classifier's predictions on one labelled set of images (validation or test).
public struct PredictionSet: Sendable, Equatable {
    public let classNames: [String]
    public let samples: [PredictedSample]

    /// Checks that labels are in range and every sample has one finite probability per class.
    public init(classNames: [String], samples: [PredictedSample]) throws(ReportError) {
        guard classNames.count >= 2 else { throw .tooFewClasses(classNames.count) }
        guard Set(classNames).count == classNames.count else { throw .duplicateClassNames(classNames) }
        for (i, s) in samples.enumerated() {
            guard classNames.indices.contains(s.trueLabel) else {
                throw .labelOutOfRange(sample: i, label: s.trueLabel, classes: classNames.count)
            }
            guard s.probabilities.count == classNames.count else {
                throw .probabilityCount(sample: i, got: s.probabilities.count, expected: classNames.count)
            }
            guard s.probabilities.allSatisfy({ $0.isFinite }) else { throw .nonFiniteProbability(sample: i) }
        }
        self.classNames = classNames
        self.samples = samples
    }

    public var count: Int { samples.count }
    public var trueLabels: [Int] { samples.map(\.trueLabel) }

    /// The probability of class `label` for every sample: the score ROC and PR curves rank by.
    public func scores(of label: Int) -> [Double] { samples.map { $0.probabilities[label] } }

    /// The most probable class of each sample; ties go to the lower class index.
    public func argmaxLabels() -> [Int] {
        samples.map { s in
            var best = 0
            for k in 1..<s.probabilities.count where s.probabilities[k] > s.probabilities[best] { best = k }
            return best
        }
    }
}

/// Everything that can be wrong with the inputs handed to MonkReport.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    case tooFewClasses(Int)
    case duplicateClassNames([String])
    case labelOutOfRange(sample: Int, label: Int, classes: Int)
    case probabilityCount(sample: Int, got: Int, expected: Int)
    case nonFiniteProbability(sample: Int)
    case unknownClass(String, known: [String])
    case classNamesDiffer(validation: [String], test: [String])
    case needsBothClasses(set: String)
    case emptySet(String)
    case thresholdOutOfRange(Double)

    public var description: String {
        switch self {
        case .tooFewClasses(let n): "a classifier needs at least 2 classes, got \(n)"
        case .duplicateClassNames(let names): "class names repeat: \(names)"
        case .labelOutOfRange(let i, let label, let n): "sample \(i): label \(label) is not in 0..<\(n)"
        case .probabilityCount(let i, let got, let expected): "sample \(i): \(got) probabilities for \(expected) classes"
        case .nonFiniteProbability(let i): "sample \(i): a probability is NaN or infinite"
        case .unknownClass(let name, let known): "no class named \"\(name)\"; classes are \(known)"
        case .classNamesDiffer(let v, let t): "validation classes \(v) differ from test classes \(t)"
        case .needsBothClasses(let set): "the \(set) set needs images of both classes to choose a threshold"
        case .emptySet(let set): "the \(set) set has no images"
        case .thresholdOutOfRange(let t): "decision threshold \(t) is not within [0, 1]"
        }
    }
}
