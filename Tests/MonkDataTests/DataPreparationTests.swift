// The load stage end to end on the shipped quickstart data (examples/chest_xray_small).
import Foundation
import Testing
@testable import MonkData
import MonkVocabulary

@Suite struct DataPreparationTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/chest_xray_small")
    static let patient = #"^(person\d+|(?:NORMAL2-)?IM-\d+)"#

    func spec(fraction: Double = 0.25) -> DataPreparation.Input {
        DataPreparation.Input(train: .folder(path: Self.example.appendingPathComponent("train").path),
                 validation: .split(SplitPlan(fraction: fraction, stratified: true, groupBy: Self.patient, seed: 11)),
                 test: .folder(path: Self.example.appendingPathComponent("test").path),
                 preprocessing: Preprocessing(resize: .exact(size: ImageSize(32))))
    }

    func patientOf(_ url: URL) -> String {
        let name = url.lastPathComponent
        let r = name.range(of: Self.patient, options: .regularExpression)!
        return String(name[r])
    }

    @Test func quickstartLoadStage() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let cacheDir = tmp.url.appendingPathComponent("pixels"), manifest = tmp.url.appendingPathComponent("split.json")
        let cache = PixelCache(root: cacheDir)
        let p = try DataPreparation.prepare(spec(), cache: cache, manifestURL: manifest, threads: 2)
        #expect(p.classes == ["NORMAL", "PNEUMONIA"])
        #expect(p.manifestOrigin == .created)
        // README: 120 + 120 train images, 40 + 40 test images.
        #expect(p.train.count + p.validation.count == 240 && p.test.count == 80)
        // The source data holds one exact duplicate pair (person834_bacteria_2747/2748.jpeg have
        // identical bytes, `md5sum` of the shared train copies), so 319 distinct contents. The
        // two decoding threads may reach the pair at the same moment and both decode it (the
        // cache does not hold back a second decode of a key in flight), so 319 or 320.
        let stats = cache.statistics
        #expect((319...320).contains(stats.decodes) && stats.decodes + stats.hits == 320)
        #expect(p.report.duplicates.map { $0.members.map(\.path) } == [["PNEUMONIA/person834_bacteria_2747.jpeg", "PNEUMONIA/person834_bacteria_2748.jpeg"]])
        #expect(p.report.duplicates.first?.crossesSplits == false)   // one patient, one side
        // Stratified by whole patients: close to 25% of each class (30 images) in validation.
        for c in 0..<2 {
            let v = p.validation.filter { $0.label == c }.count
            #expect(abs(v - 30) <= 3, "class \(c): \(v) validation images")
        }
        // No patient on two sides.
        let sides = [Set(p.train.map { patientOf($0.url) }), Set(p.validation.map { patientOf($0.url) }), Set(p.test.map { patientOf($0.url) })]
        #expect(sides[0].isDisjoint(with: sides[1]) && sides[0].isDisjoint(with: sides[2]) && sides[1].isDisjoint(with: sides[2]))
        #expect(p.report.splits.map(\.split) == [.train, .val, .test])
        #expect(p.report.splits.map { $0.counts.reduce(0, +) } == [p.train.count, p.validation.count, 80])
        #expect(p.report.unreadable.isEmpty && p.report.sizes?.mostCommonSize == ImageSize(64))

        // A rerun reuses the manifest and decodes nothing.
        let again = PixelCache(root: cacheDir)
        let q = try DataPreparation.prepare(spec(), cache: again, manifestURL: manifest, threads: 2)
        #expect(q.manifestOrigin == .reused && q.validation == p.validation && q.train == p.train)
        #expect(again.statistics.decodes == 0 && again.statistics.hits == 320)
        // Without a manifest path (check-data) the same split is drawn in memory and nothing is written.
        let dry = try DataPreparation.prepare(spec(), cache: nil, manifestURL: nil, threads: 2)
        #expect(dry.manifest == p.manifest && dry.manifestOrigin == nil)
        // Changed split settings against the saved manifest are refused, not silently redrawn.
        #expect(throws: SplitError.staleManifest(path: manifest.path, reason: "split settings changed")) {
            try DataPreparation.prepare(spec(fraction: 0.3), cache: nil, manifestURL: manifest, threads: 2)
        }
    }

    @Test func badFilesAcrossSplitsUnderBothPolicies() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let png = try Data(contentsOf: Fixtures.url("rgb8.png"))
        for i in 0..<4 { _ = tmp.file("train/a/\(i).png", png); _ = tmp.file("train/b/\(i).png", png + Data([UInt8(i)])) }
        _ = tmp.file("train/a/empty.jpg", Data())
        _ = tmp.file("test/b/gif.jpg", try Data(contentsOf: Fixtures.url("bad_gif_named.jpg")))
        _ = tmp.file("test/a/ok.png", png)
        var s = DataPreparation.Input(train: .folder(path: tmp.url.appendingPathComponent("train").path),
                         validation: .split(SplitPlan(fraction: 0.5, stratified: true, groupBy: nil, seed: 1)),
                         test: .folder(path: tmp.url.appendingPathComponent("test").path),
                         preprocessing: Preprocessing(resize: .exact(size: ImageSize(4))))
        let manifest = tmp.url.appendingPathComponent("m.json")
        #expect(throws: BadImagesError(images: [BadImage(path: "train: a/empty.jpg", reason: "empty file (0 bytes)"),
                                                BadImage(path: "test: b/gif.jpg", reason: "unsupported format GIF (only JPEG and PNG are read)")])) {
            try DataPreparation.prepare(s, cache: nil, manifestURL: manifest, threads: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: manifest.path))   // failed before splitting
        s.onBadImage = .skip
        let p = try DataPreparation.prepare(s, cache: nil, manifestURL: manifest, threads: 1)
        #expect(p.skipped.map(\.path) == ["train: a/empty.jpg", "test: b/gif.jpg"])
        #expect(p.train.count == 4 && p.validation.count == 4 && p.test.count == 1)
        #expect(p.report.unreadable.count == 2)
        // The four copies of rgb8.png in train/a and the one in test/a are exact duplicates.
        #expect(p.report.duplicates.count == 1 && p.report.duplicates[0].members.count == 5 && p.report.duplicates[0].crossesSplits)
    }
}
