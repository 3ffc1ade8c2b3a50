// `monkpipe classify`: look at a network's output on images, e.g. to compare with PyTorch.
import ArgumentParser
import Foundation
import MonkPipeline

struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify images with a network and a weights file; print the top-K classes.",
        discussion: """
        Preprocessing (default): decode, convert to RGB, resize the whole image to the \
        network's input size (224; 64 for tiny_cnn) with antialiased bilinear interpolation \
        (aspect ratio not kept), scale to 0…1 and normalise per channel with ImageNet's \
        mean (0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225) — for efficientnet_lite0 \
        mean 127/255 and std 128/255 instead. Images go through the network in batches of 16. --resize-shorter R --crop C switches to \
        torchvision's recipe (shorter side to R, centre crop C×C).

        A monkpipe checkpoint (FILE.safetensors with its FILE.json sidecar, as `run` writes \
        them) brings its network, class names and the preprocessing and normalisation its \
        experiment evaluated with: --model and --labels may then be left out.
        """)

    @Option(name: .long, help: "Network (see `monkpipe models`); read from a monkpipe checkpoint's sidecar when left out.")
    var model: Architecture?
    @Option(name: .long, help: "Weights file: PyTorch .pth (zip or legacy), safetensors, a monkpipe checkpoint, or an MXNet Gluon .params file.")
    var weights: String
    @Option(name: .long, help: "Text file with one class name per line (default: a monkpipe checkpoint's classes).")
    var labels: String?
    @Option(name: .long, help: "How many classes to print per image.")
    var top = 5
    @Option(name: .long) var resizeShorter: Int?
    @Option(name: .long) var crop: Int?
    @Flag(name: .long, help: "Also print the raw logits.")
    var raw = false
    @Flag(name: .long, help: "One JSON object per image.")
    var json = false
    @Argument(help: "Image files or folders (searched through their sub-folders for .jpg, .jpeg, .jpe and .png files, as infer does).")
    var images: [String]

    func validate() throws {
        if (resizeShorter == nil) != (crop == nil) { throw ValidationError("--resize-shorter and --crop go together") }
        if top < 1 { throw ValidationError("--top must be at least 1") }
        if let resizeShorter, let crop, let why = ImageClassifier.sizeProblem(.resizeShorterThenCrop(resize: resizeShorter, crop: crop)) {
            throw ValidationError(why)
        }
    }

    func run() throws {
        let results = try reportingErrors {
            let labels = try labels.map { try ImageClassifier.readLabels(URL(fileURLWithPath: $0)) }
            let prep: ClassifyPreprocessing? = resizeShorter.map { .resizeShorterThenCrop(resize: $0, crop: crop!) }
            // Folders as infer reads them: hidden entries left out, what is not read named.
            let files = try ExperimentInference.imagesToRead(images) {
                FileHandle.standardError.write(Data("warning: \(Console.printable($0))\n".utf8))
            }
            return try ImageClassifier.classify(model: model, weights: URL(fileURLWithPath: weights), labels: labels, top: top,
                                                raw: raw, images: files, preprocessing: prep)
        }
        for r in results {
            if json { printJSON(r); continue }
            print(r.image)
            for t in r.top { print(String(format: "  %5.1f%%  %4d  %@", t.probability * 100, t.index, t.label)) }
            if let logits = r.logits { print("  logits: " + logits.map { String($0) }.joined(separator: " ")) }
        }
    }
}
