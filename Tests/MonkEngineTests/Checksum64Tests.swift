// The damage checksum of pixel-cache files, snapshots and checkpoints: reference values and
// the property it exists for (any single flipped bit is seen).
import Testing
@testable import MonkEngine

@Suite struct Checksum64Tests {
    /// Reference values from an independent Python implementation of the same definition
    /// (64-bit words little-endian; h = rotl(h ^ w, 29) * 0x9E3779B97F4A7C15 from
    /// 0x6d6f6e6b70697065, then the tail word, the length, and splitmix64's finaliser).
    @Test func referenceValues() {
        #expect(Checksum64.hex(Checksum64.of([UInt8]())) == "5a09930d5a3187ea")
        #expect(Checksum64.hex(Checksum64.of(Array("abc".utf8))) == "692b6968bdae562d")
        #expect(Checksum64.hex(Checksum64.of((0..<1000).map { UInt8($0 % 251) })) == "7f5b87c51ea77b87")
    }

    /// Every one of the 8,000 single-bit flips of a 1000-byte buffer changes the checksum,
    /// and so does appending a zero byte (the length is part of it).
    @Test func everySingleBitFlipIsSeen() {
        var bytes = (0..<1000).map { UInt8($0 % 251) }
        let original = Checksum64.of(bytes)
        for i in bytes.indices {
            for bit in 0..<8 {
                bytes[i] ^= 1 << bit
                #expect(Checksum64.of(bytes) != original, "byte \(i) bit \(bit)")
                bytes[i] ^= 1 << bit
            }
        }
        #expect(Checksum64.of(bytes + [0]) != original)
    }
}
