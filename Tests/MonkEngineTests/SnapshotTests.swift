// Float arrays and module snapshots survive JSON and the binary archive bit for bit, and a
// snapshot that does not fit a module is refused by name before anything is written.
import Foundation
import Testing
@testable import MonkEngine

/// A module with a parameter, a buffer and a child, enough to exercise naming.
private final class SnapshotProbe: Module {
    let scale: Parameter
    let stats: Buffer
    let inner: SnapshotLeaf?
    var needsInputGradient = true
    init(width: Int, leaf: Bool = true) {
        scale = Parameter(Tensor(shape: [width], repeating: 1))
        stats = Buffer(Tensor(shape: [2]))
        inner = leaf ? SnapshotLeaf() : nil
    }
    func forward(_ x: Tensor, _ ctx: Context) -> Tensor { x }
    func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? { dy }
}

private final class SnapshotLeaf: Module {
    let weight = Parameter(Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
    var needsInputGradient = true
    func forward(_ x: Tensor, _ ctx: Context) -> Tensor { x }
    func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? { dy }
}

@Suite struct SnapshotTests {
    /// Values whose bits a decimal round trip or `==` would blur: NaN with a payload, −0,
    /// infinities, the smallest subnormal, and a float with no short decimal form.
    static let awkward: [Float] = [Float(bitPattern: 0x7FC0_1234), -0.0, .infinity, -.infinity,
                                   .leastNonzeroMagnitude, 0.1, Float(bitPattern: 0x3F80_0001)]

    @Test func packedFloatsKeepEveryBit() throws {
        let packed = PackedFloats(SnapshotTests.awkward)
        let viaJSON = try JSONDecoder().decode(PackedFloats.self, from: JSONEncoder().encode(packed))
        let viaArchive = try SnapshotArchive.decode(PackedFloats.self, from: SnapshotArchive.encode(packed))
        let bits = SnapshotTests.awkward.map(\.bitPattern)
        #expect(viaJSON.values.map(\.bitPattern) == bits)
        #expect(viaArchive.values.map(\.bitPattern) == bits)
    }

    @Test func archiveStoresFloatsRawAfterASmallHeader() throws {
        let state = ModuleState(entries: [.init(name: "w", kind: .parameter, shape: [1000],
                                                values: PackedFloats((0..<1000).map { Float($0) }))])
        let data = try SnapshotArchive.encode(state)
        // 8 magic + 8 length + header (well under 200 bytes) + 4000 raw bytes + 8 checksum.
        #expect(data.count > 4024 && data.count < 4024 + 200)
        #expect(try SnapshotArchive.decode(ModuleState.self, from: data) == state)
        // A slice of a larger buffer (start index ≠ 0), as a memory-mapped or read-ahead file gives.
        let slice = (Data([7, 7, 7]) + data)[3...]
        #expect(try SnapshotArchive.decode(ModuleState.self, from: slice) == state)
    }

    @Test func brokenArchivesAreRefused() throws {
        let data = try SnapshotArchive.encode(PackedFloats([1, 2, 3]))
        #expect(throws: SnapshotArchive.Failure.notAnArchive) {
            try SnapshotArchive.decode(PackedFloats.self, from: Data("NOTMONK!12345678".utf8))
        }
        // Cutting the raw section, or a header length larger than the file, breaks the checksum.
        #expect(throws: SnapshotArchive.Failure.self) {
            try SnapshotArchive.decode(PackedFloats.self, from: data.dropLast(4))
        }
        var bad = data
        bad[8] = 0xFF; bad[9] = 0xFF
        #expect(throws: SnapshotArchive.Failure.self) { try SnapshotArchive.decode(PackedFloats.self, from: bad) }
    }

    /// Issue 13, item 9: every single flipped bit of an archive (header counters included, where
    /// a flip turned "batch 8" into "batch 17") is refused before anything is decoded, and a
    /// cut one too; nothing of a damaged archive reaches the caller.
    @Test func everyFlippedBitIsRefused() throws {
        struct Position: Codable, Equatable { var epoch: Int; var batch: Int; var weights: PackedFloats }
        let data = try SnapshotArchive.encode(Position(epoch: 4, batch: 8, weights: PackedFloats([1, 2, 3])))
        #expect(try SnapshotArchive.decode(Position.self, from: data) == Position(epoch: 4, batch: 8, weights: PackedFloats([1, 2, 3])))
        var accepted = 0
        for i in 0..<data.count {
            for bit in 0..<8 {
                var flipped = data
                flipped[i] ^= 1 << bit
                if (try? SnapshotArchive.decode(Position.self, from: flipped)) != nil { accepted += 1 }
            }
        }
        #expect(accepted == 0)
        for cut in [data.count - 1, 30, 23] {
            #expect(throws: SnapshotArchive.Failure.self) { try SnapshotArchive.decode(Position.self, from: data.prefix(cut)) }
        }
        // Archives written before the checksum (MONKSNP1: magic, length, header, floats) still read.
        let header = Data(#"{"batch":8,"epoch":4,"weights":{"count":1,"offset":0}}"#.utf8)
        var old = Data("MONKSNP1".utf8)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { old.append(contentsOf: $0) }
        old += header + Data([0, 0, 0x80, 0x3F])  // 1.0f
        #expect(try SnapshotArchive.decode(Position.self, from: old) == Position(epoch: 4, batch: 8, weights: PackedFloats([1])))
    }

    @Test func moduleSnapshotRestoresWeightsAndBuffers() throws {
        let a = SnapshotProbe(width: 3)
        a.scale.value[1] = 7; a.stats.value[0] = -2.5; a.inner!.weight.value[3] = 9
        let state = try SnapshotArchive.decode(ModuleState.self, from: SnapshotArchive.encode(a.snapshot()))
        #expect(state.entries.map(\.name) == ["scale", "inner.weight", "stats"])
        let b = SnapshotProbe(width: 3)
        try b.restore(state)
        #expect(b.scale.value.array == [1, 7, 1])
        #expect(b.stats.value.array == [-2.5, 0])
        #expect(b.inner!.weight.value.array == [1, 2, 3, 9])
    }

    @Test func mismatchesAreNamedAndChangeNothing() throws {
        let source = SnapshotProbe(width: 3)
        source.stats.value[0] = 5
        let narrow = SnapshotProbe(width: 2)
        #expect(throws: SnapshotError.shapeMismatch(name: "scale", module: [2], snapshot: [3])) {
            try narrow.restore(source.snapshot())
        }
        #expect(narrow.stats.value[0] == 0)
        #expect(throws: SnapshotError.unexpected("inner.weight")) {
            try SnapshotProbe(width: 3, leaf: false).restore(source.snapshot())
        }
        #expect(throws: SnapshotError.missing("inner.weight")) {
            try SnapshotProbe(width: 3).restore(SnapshotProbe(width: 3, leaf: false).snapshot())
        }
    }
}
