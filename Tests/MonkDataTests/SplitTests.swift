// The split: deterministic per seed, exactly stratified without groups, groups never straddle,
// and the manifest round-trips and is reused or refused.
import Foundation
import Testing
@testable import MonkData
import MonkVocabulary

@Suite struct SplitTests {
    /// 30 items of class 0 and 70 of class 1, named like the chest X-ray files: `personP_k.jpeg`
    /// where patient P has 1–4 images (P = i / 3 for class 0 and i / 4 + 100 for class 1 ...).
    func items() -> [DatasetItem] {
        (0..<30).map { DatasetItem(path: "A/person\($0 / 3)_virus_\($0).jpeg", label: 0) }
            + (0..<70).map { DatasetItem(path: "B/person\($0 / 4 + 100)_bacteria_\($0).jpeg", label: 1) }
    }

    @Test func stratifiedExactlyWithoutGroups() throws {
        let s = try Splitter.split(items(), classCount: 2, settings: SplitPlan(fraction: 0.3, stratified: true, groupBy: nil, seed: 5))
        let valA = zip(items(), s).filter { $0.0.label == 0 && $0.1 == .val }.count
        let valB = zip(items(), s).filter { $0.0.label == 1 && $0.1 == .val }.count
        #expect(valA == 9 && valB == 21)  // round(0.3 × 30), round(0.3 × 70)
    }

    @Test func deterministicPerSeed() throws {
        let a = try Splitter.split(items(), classCount: 2, settings: SplitPlan(fraction: 0.3, stratified: true, groupBy: nil, seed: 5))
        let b = try Splitter.split(items(), classCount: 2, settings: SplitPlan(fraction: 0.3, stratified: true, groupBy: nil, seed: 5))
        let c = try Splitter.split(items(), classCount: 2, settings: SplitPlan(fraction: 0.3, stratified: true, groupBy: nil, seed: 6))
        #expect(a == b)
        #expect(a != c)
    }

    @Test func groupsNeverStraddle() throws {
        for seed in UInt64(0)..<10 {
            let settings = SplitPlan(fraction: 0.3, stratified: true, groupBy: #"^(person\d+)_"#, seed: seed)
            let sides = try Splitter.split(items(), classCount: 2, settings: settings)
            var sideOf: [String: SplitName] = [:]
            for (item, side) in zip(items(), sides) {
                let patient = String(item.path.split(separator: "/")[1].split(separator: "_")[0])
                #expect(sideOf[patient, default: side] == side, "patient \(patient) straddles (seed \(seed))")
                sideOf[patient] = side
            }
            // Whole patients of 3 (class A) or 4 (class B) images: within one group of the target.
            let valA = zip(items(), sides).filter { $0.0.label == 0 && $0.1 == .val }.count
            let valB = zip(items(), sides).filter { $0.0.label == 1 && $0.1 == .val }.count
            #expect(abs(valA - 9) <= 2 && abs(valB - 21) <= 2, "seed \(seed): \(valA), \(valB)")
        }
    }

    @Test func badSettingsAreRefused() {
        #expect(throws: SplitError.badFraction(1)) { try Splitter.split(items(), classCount: 2, settings: SplitPlan(fraction: 1, stratified: true, groupBy: nil, seed: 0)) }
        #expect(throws: (any Error).self) { try Splitter.split(items(), classCount: 2, settings: SplitPlan(fraction: 0.2, stratified: true, groupBy: "(", seed: 0)) }
    }

    @Test func manifestRoundTripReuseAndStaleness() throws {
        let tmp = TempDir(); defer { tmp.cleanup() }
        let dataset = Dataset(root: tmp.url, classes: ["A", "B"], items: items())
        let hashes = dataset.items.map { SHA256.hex($0.path) }
        let settings = SplitPlan(fraction: 0.3, stratified: true, groupBy: #"^(person\d+)_"#, seed: 9)
        let url = tmp.url.appendingPathComponent("split/manifest.json")

        let (made, origin1) = try SplitManifest.loadOrCreate(at: url, dataset: dataset, hashes: hashes, settings: settings)
        #expect(origin1 == .created)
        #expect(try SplitManifest.read(from: url) == made)
        let (again, origin2) = try SplitManifest.loadOrCreate(at: url, dataset: dataset, hashes: hashes, settings: settings)
        #expect(origin2 == .reused && again == made)
        #expect(try made.items(in: .train).count + made.items(in: .val).count == 100)
        #expect(made.entries[0] == SplitManifest.Entry(path: "A/person0_virus_0.jpeg", className: "A", hash: hashes[0], split: made.entries[0].split))

        var changed = hashes; changed[3] = SHA256.hex("edited")
        #expect(throws: SplitError.staleManifest(path: url.path, reason: "A/person1_virus_3.jpeg changed content")) {
            try SplitManifest.loadOrCreate(at: url, dataset: dataset, hashes: changed, settings: settings)
        }
        var other = settings; other.seed = 10
        #expect(throws: SplitError.staleManifest(path: url.path, reason: "split settings changed")) {
            try SplitManifest.loadOrCreate(at: url, dataset: dataset, hashes: hashes, settings: other)
        }
    }

    /// The manifest file keeps its settings' names (validationFraction, groupPattern) since the
    /// settings became the plan's SplitPlan: a manifest written before reads and is reused.
    @Test func manifestFileFormIsUnchanged() throws {
        let m = SplitManifest(settings: SplitPlan(fraction: 0.25, stratified: false, groupBy: "^(p\\d+)", seed: 3), classes: ["A"],
                              entries: [SplitManifest.Entry(path: "A/p1.png", className: "A", hash: "ab", split: .val)])
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        let written = #"{"classes":["A"],"entries":[{"className":"A","hash":"ab","path":"A\/p1.png","split":"val"}],"formatVersion":1,"settings":{"groupPattern":"^(p\\d+)","seed":3,"stratified":false,"validationFraction":0.25}}"#
        #expect(String(decoding: try e.encode(m), as: UTF8.self) == written)
        #expect(try JSONDecoder().decode(SplitManifest.self, from: Data(written.utf8)) == m)
        let withoutGroups = #"{"classes":["A"],"entries":[],"formatVersion":1,"settings":{"seed":3,"stratified":true,"validationFraction":0.3}}"#
        #expect(try JSONDecoder().decode(SplitManifest.self, from: Data(withoutGroups.utf8)).settings
                == SplitPlan(fraction: 0.3, stratified: true, groupBy: nil, seed: 3))
    }
}
