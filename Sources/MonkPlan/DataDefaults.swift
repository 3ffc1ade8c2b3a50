// What the project and data sections get for the settings a spec leaves out, declared once:
// the planner (PlanResolver) applies these and the format's "(default: …)" are written from
// them (SpecFormat). The transforms' own defaults live with their words in MonkVocabulary
// (TransformDefaults).
import MonkVocabulary

public enum DataDefaults {
    /// The workspace folder, relative to the spec's folder.
    public static let workspace = "workspace"
    /// The project seed (splits, initialisation, shuffling, augmentation, data.limit).
    public static let seed = 0
    /// Network input side in pixels (ImageNet's).
    public static let inputSize = 224
    /// Images per batch: Monk's quick mode.
    public static let batchSize = 4
    /// The part of the training images a split gives to validation: Monk's 0.7/0.3.
    public static let validationFraction = 0.3
    public static let stratified = true
    public static let color = ColorMode.rgb
    public static let onBadImage = BadImagePolicy.fail
    /// A CSV source: Monk's `ID,Label` files.
    public static let csvDelimiter = ","
    public static let imageColumn = "ID"
    public static let labelColumn = "Label"
}
