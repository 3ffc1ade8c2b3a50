// Small fixed prediction sets shared by the metric tests; the hand arithmetic that the
// tests check against is written next to each test.
@testable import MonkReport

enum Fixtures {
    static let xray = ["NORMAL", "PNEUMONIA"]

    /// Builds a two-class set from P(PNEUMONIA) per image.
    static func binary(positives: [Double], negatives: [Double]) -> PredictionSet {
        let pos = positives.enumerated().map {
            PredictedSample(file: "pos\($0.offset).jpeg", trueLabel: 1, probabilities: [1 - $0.element, $0.element])
        }
        let neg = negatives.enumerated().map {
            PredictedSample(file: "neg\($0.offset).jpeg", trueLabel: 0, probabilities: [1 - $0.element, $0.element])
        }
        return try! PredictionSet(classNames: xray, samples: pos + neg)
    }

    /// 4 pneumonia and 5 normal images with a tie (0.6) across the classes:
    /// pneumonia scores 0.9 0.8 0.6 0.4, normal scores 0.7 0.6 0.3 0.2 0.1.
    static let tied = binary(positives: [0.9, 0.8, 0.6, 0.4], negatives: [0.7, 0.6, 0.3, 0.2, 0.1])

    /// 40 images with many tied scores; the same formula is in bootstrap_reference.py.
    static let forty: PredictionSet = {
        let labels = (0..<40).map { $0 % 2 == 0 }
        let scores = (0..<40).map { i in Double((i * 7919) % 97 / 4 + (labels[i] ? 10 : 0)) / 40 }
        return try! PredictionSet(classNames: xray, samples: (0..<40).map {
            PredictedSample(file: "img\($0).png", trueLabel: labels[$0] ? 1 : 0,
                            probabilities: [1 - scores[$0], scores[$0]])
        })
    }()
}

/// |a − b| ≤ tolerance, for comparing floating-point results with hand arithmetic.
func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}
