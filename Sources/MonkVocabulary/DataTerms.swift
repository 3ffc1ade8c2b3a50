// Words of the data settings: how decoded pixels become channels, and what happens to an
// image that cannot be decoded.

/// How decoded pixels become network channels.
public enum ColorMode: String, Vocabulary {
    /// Three channels; grayscale images are replicated into R, G and B.
    case rgb
    /// Colour images are converted to luma (0.299 R + 0.587 G + 0.114 B), which fills all three
    /// network channels; mean and std may then be given as one value each.
    case grayscale

    public static let concept = "color mode"

    public var summary: String {
        switch self {
        case .rgb: "three channels; grayscale images are replicated into R, G and B"
        case .grayscale: "luma (0.299 R + 0.587 G + 0.114 B) in all three channels"
        }
    }
}

/// What to do with an image that cannot be decoded.
public enum BadImagePolicy: String, Vocabulary {
    /// Stop the load stage before training, listing every bad file.
    case fail
    /// Leave the images out and record them in the run's report.
    case skip

    public static let concept = "bad-image policy"

    public var summary: String {
        switch self {
        case .fail: "stop before training and list every file that cannot be decoded"
        case .skip: "leave such files out and report them"
        }
    }
}
