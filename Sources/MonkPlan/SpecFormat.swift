// The monkpipe pipeline format, described once: top level, data and transforms. Validation,
// the JSON Schema and the docs in it all come from here (defaults are declared in DataDefaults
// and TransformDefaults, applied in PlanResolver and written into the docs below).
import MonkVocabulary

enum SpecFormat {
    static let threads = Shape.choice([.integer(min: 1, max: 1024), .keyword(["auto"])])

    /// The whole file.
    static let root = ObjectShape(fields: [
        Field(name: "project", shape: .string(.name),
              doc: "Project name; results go to <workspace>/<project>/<experiment>/", required: true),
        Field(name: "workspace", shape: .string(.path),
              doc: "Folder for all outputs, relative to the spec file (default: \(DataDefaults.workspace))"),
        Field(name: "seed", shape: .integer(min: 0, max: Int.max),
              doc: "Seed for splits, initialisation, shuffling and augmentation (default: \(DataDefaults.seed))"),
        Field(name: "threads", shape: threads, doc: "Compute threads, or auto for all cores (default: auto)"),
        Field(name: "data", shape: .object(data), doc: "The images and how they are prepared", required: true),
        Field(name: "defaults", shape: .object(experiment),
              doc: "Settings shared by every experiment; each experiment may override any of them"),
        Field(name: "experiments", shape: .names(.object(experiment)),
              doc: "Named experiments, each overriding defaults (default: one experiment named default)"),
        Field(name: "sweep", shape: .grid(experiment),
              doc: "Grid of dotted keys to lists of values (e.g. optimizer.lr: [0.01, 0.001]); every combination becomes an experiment"),
        Field(name: "comparison", shape: .object(comparison),
              doc: "The comparison report across experiments"),
    ])

    static let comparison = ObjectShape(fields: [
        Field(name: "name", shape: .string(.name), doc: "Folder name under <workspace>/comparison/ (default: the project name)"),
        Field(name: "experiments", shape: .list(.string(.name), minCount: 1, maxCount: 1000),
              doc: "Experiments to compare, in report order (default: all)"),
    ])

    static let csv = ObjectShape(fields: [
        Field(name: "csv", shape: .string(.path), doc: "CSV file with a header row: image path and label per line", required: true),
        Field(name: "root", shape: .string(.path), doc: "Folder the image paths are relative to (default: the CSV's folder)"),
        Field(name: "delimiter", shape: .string(.character), doc: "Field separator (default: \(DataDefaults.csvDelimiter))"),
        Field(name: "image_column", shape: .string(.text), doc: "Header of the image path column; a header without both named columns gives path and label in its first two (default: \(DataDefaults.imageColumn))"),
        Field(name: "label_column", shape: .string(.text), doc: "Header of the label column (default: \(DataDefaults.labelColumn))"),
    ])

    static let source = Shape.choice([.string(.path), .object(csv)])

    static let split = ObjectShape(fields: [
        Field(name: "fraction", shape: .number(.openUnit), doc: "Part of the training images used for validation (default: \(docNumber(DataDefaults.validationFraction)), Monk's 0.7/0.3)"),
        Field(name: "stratified", shape: .boolean, doc: "Keep class proportions equal in both parts (default: \(DataDefaults.stratified))"),
        Field(name: "group_by", shape: .string(.regex),
              doc: "Regular expression on the file name; its first capture group (or whole match) names a group, e.g. a patient, that is never split (default: none)"),
        Field(name: "seed", shape: .integer(min: 0, max: Int.max), doc: "Seed of the split (default: the project seed)"),
    ])

    static let data = ObjectShape(fields: [
        Field(name: "train", shape: source, doc: "Training images: a folder with one sub-folder per class, or a CSV", required: true),
        Field(name: "val", shape: .choice([.string(.path), .object(split)]),
              doc: "Validation images: a folder, or a split of train (default: a stratified \(docNumber(DataDefaults.validationFraction)) split)"),
        Field(name: "test", shape: source, doc: "Test images: a folder with one sub-folder per class, or a CSV (default: no test stage)"),
        Field(name: "input_size", shape: .integer(min: 8, max: 2048), doc: "Network input side in pixels (default: \(DataDefaults.inputSize))"),
        Field(name: "batch_size", shape: .integer(min: 1, max: 4096), doc: "Images per batch (default: \(DataDefaults.batchSize), Monk's quick mode)"),
        Field(name: "workers", shape: threads, doc: "Threads that decode images, or auto (default: auto)"),
        Field(name: "color", shape: .words(ColorMode.self),
              doc: "rgb (grayscale images become 3 channels) or grayscale (default: \(DataDefaults.color.word))"),
        Field(name: "train_transforms", shape: transforms,
              doc: "Training transforms in order (default: \(TransformKind.resize.word), \(TransformKind.horizontalFlip.word), \(TransformKind.normalize.word))"),
        Field(name: "eval_transforms", shape: transforms,
              doc: "Validation and test transforms in order (default: \(TransformKind.resize.word), \(TransformKind.normalize.word))"),
        Field(name: "on_bad_image", shape: .words(BadImagePolicy.self),
              doc: "fail, or skip and report images that cannot be decoded (default: \(DataDefaults.onBadImage.word))"),
        Field(name: "limit", shape: .choice([.integer(min: 1, max: 100_000_000), .number(.openUnit)]),
              doc: "For quick runs: at most this many images (a whole number) or this fraction (below 1) of each folder read — train (before the validation split), val and test — chosen per class in proportion, seeded by the project seed (default: all images)"),
    ])

    static let size = Shape.integer(min: 1, max: 4096)

    /// A range default as the docs write it: "[0.75, 1.3333]".
    static func docRange(_ r: ClosedInterval) -> String {
        func short(_ x: Double) -> String { docNumber((x * 10_000).rounded() / 10_000) }
        return "[\(short(r.lower)), \(short(r.upper))]"
    }

    /// One transform's option: its word and line from the vocabulary, then what a bare word gets.
    static func transform(_ kind: TransformKind, _ shape: Shape, bare: String?) -> OneKeyOption {
        OneKeyOption(name: kind.word, shape: shape, bare: bare != nil, doc: kind.summary + (bare.map { "; bare: \($0)" } ?? ""))
    }

    static let transforms: Shape = {
        typealias D = TransformDefaults
        let flip = docNumber(D.flipProbability)
        return Shape.list(.oneKey([
        transform(.resize, size, bare: "input_size"),
        transform(.centerCrop, size, bare: "input_size"),
        transform(.randomResizedCrop, .choice([size, .object(ObjectShape(fields: [
            Field(name: "size", shape: size, doc: "Output side (default: input_size)"),
            Field(name: "scale", shape: .list(.number(NumberRange(min: 0, max: 1, minExclusive: true)), minCount: 2, maxCount: 2),
                  doc: "Range of the cut area as a fraction of the image (default: \(docRange(D.resizedCropScale)))"),
            Field(name: "ratio", shape: .list(.number(.positive), minCount: 2, maxCount: 2),
                  doc: "Range of the cut's aspect ratio (default: \(docRange(D.resizedCropRatio)))"),
        ]))]), bare: "input_size"),
        transform(.randomCrop, .choice([size, .object(ObjectShape(fields: [
            Field(name: "size", shape: size, doc: "Output side (default: input_size)"),
            Field(name: "padding", shape: .integer(min: 0, max: 1024),
                  doc: "Zero padding on each side before cutting (default: \(D.cropPadding))"),
        ]))]), bare: "input_size"),
        transform(.horizontalFlip, .number(.unit), bare: flip),
        transform(.verticalFlip, .number(.unit), bare: flip),
        transform(.randomRotation, .number(NumberRange(min: 0, max: 180)), bare: nil),
        transform(.colorJitter, .object(ObjectShape(fields: [
            Field(name: "brightness", shape: .number(.unit), doc: "Brightness factor drawn from [1-b, 1+b] (default: \(docNumber(D.jitter)))"),
            Field(name: "contrast", shape: .number(.unit), doc: "Contrast factor drawn from [1-c, 1+c] (default: \(docNumber(D.jitter)))"),
        ])), bare: nil),
        transform(.gaussianBlur, .object(ObjectShape(fields: [
            Field(name: "sigma", shape: .list(.number(NumberRange(min: 0, max: 20, minExclusive: true)), minCount: 2, maxCount: 2),
                  doc: "Range of the blur's sigma in pixels (default: \(docRange(D.blurSigma)))"),
            Field(name: "p", shape: .number(.unit), doc: "Probability of blurring an image (default: \(docNumber(D.blurProbability)))"),
        ])), bare: "sigma \(docRange(D.blurSigma)), p \(docNumber(D.blurProbability))"),
        transform(.randomGamma, .object(ObjectShape(fields: [
            Field(name: "gamma", shape: .list(.number(NumberRange(min: 0, max: 10, minExclusive: true)), minCount: 2, maxCount: 2),
                  doc: "Range of the exponent applied to values on the 0–1 scale (default: \(docRange(D.gamma)))"),
            Field(name: "p", shape: .number(.unit), doc: "Probability of changing an image (default: \(docNumber(D.gammaProbability)))"),
        ])), bare: "gamma \(docRange(D.gamma)), p \(docNumber(D.gammaProbability))"),
        transform(.jpegQuality, .object(ObjectShape(fields: [
            Field(name: "quality", shape: .list(.integer(min: 1, max: 100), minCount: 2, maxCount: 2),
                  doc: "Range of the JPEG quality, 1–100 (default: \(docRange(D.jpegQuality)))"),
            Field(name: "p", shape: .number(.unit), doc: "Probability of re-encoding an image (default: \(docNumber(D.jpegProbability)))"),
        ])), bare: "quality \(docRange(D.jpegQuality)), p \(docNumber(D.jpegProbability))"),
        transform(.equalize, .object(ObjectShape(fields: [])), bare: "no settings"),
        transform(.normalize, .choice([.keyword(["imagenet"]), .object(ObjectShape(fields: [
            Field(name: "mean", shape: .list(.number(.any), minCount: 1, maxCount: 3), doc: "Per-channel mean (0–1 scale)", required: true),
            Field(name: "std", shape: .list(.number(.positive), minCount: 1, maxCount: 3), doc: "Per-channel standard deviation", required: true),
        ]))]), bare: "imagenet"),
        ]), minCount: 0, maxCount: 32)
    }()
}
