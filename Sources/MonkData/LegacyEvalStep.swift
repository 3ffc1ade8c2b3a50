// The evaluation steps as checkpoint sidecars recorded them before monkpipe declared its
// transforms once (sizes as {"width", "height"}): such sidecars, e.g. of models trained and
// exported then, still load. Only the deterministic steps an evaluation pipeline can hold.
import MonkVocabulary

enum LegacyEvalStep: Decodable {
    case resize(size: ImageSize)
    case centerCrop(size: ImageSize)
    case grayscale

    /// The same step today; sizes were always square when monkpipe wrote them.
    func transform() throws -> Transform {
        func side(_ s: ImageSize) throws -> Int {
            guard s.width == s.height else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "input transform size \(s) is not square"))
            }
            return s.width
        }
        switch self {
        case .resize(let s): return .resize(size: try side(s))
        case .centerCrop(let s): return .centerCrop(size: try side(s))
        case .grayscale: return .grayscale
        }
    }
}
