// A fast 64-bit checksum for the files monkpipe writes and reads back (pixel cache, resume
// snapshots, checkpoints): it catches a flipped byte or a cut file, at memory speed.
import Foundation

/// Detects accidental damage, not deliberate forgery (no secret, not cryptographic): every
/// 8-byte word is mixed in by a step that is a bijection of the running state, so a change
/// confined to one word always changes the result; the length and a final avalanche (the
/// splitmix64 finaliser) are mixed in at the end. About one multiply per 8 bytes, so reading a
/// 150 KB pixel file back costs microseconds, not the ~0.7 ms of a SHA-256.
public enum Checksum64 {
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x6d6f_6e6b_7069_7065  // "monkpipe"
        let words = bytes.count / 8
        for i in 0..<words {
            let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
            h = rotate(h ^ w, 29) &* 0x9E37_79B9_7F4A_7C15
        }
        var tail: UInt64 = 0
        for i in (8 * words)..<bytes.count { tail |= UInt64(bytes[i]) << UInt64(8 * (i - 8 * words)) }
        h = rotate(h ^ tail, 29) &* 0x9E37_79B9_7F4A_7C15
        h = rotate(h ^ UInt64(bytes.count), 29) &* 0x9E37_79B9_7F4A_7C15
        // splitmix64's finaliser: every input bit reaches every output bit.
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    public static func of(_ data: Data) -> UInt64 { data.withUnsafeBytes { of($0) } }
    public static func of(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { of($0) } }

    /// 16 lowercase hex digits, for JSON sidecars.
    public static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    @inline(__always) static func rotate(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }
}
