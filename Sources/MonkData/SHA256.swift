// SHA-256 content hashes of images, files and cache keys, as lowercase hex. The hashing is
// swift-crypto's (BoringSSL, which uses the CPU's SHA extensions where present); this type
// only fixes the one output form every caller stores, so keys computed anywhere compare.
import Crypto
import Foundation

/// Incremental SHA-256: `update` any number of times (files are hashed in pieces), then read
/// `hexDigest()`.
public struct SHA256: Sendable {
    private var hasher = Crypto.SHA256()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }
    public mutating func update(_ data: Data) { hasher.update(data: data) }
    public mutating func update(_ bytes: [UInt8]) { bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) } }
    public mutating func update(_ string: String) {
        var text = string
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }

    /// The 32-byte digest of everything so far; `self` may still be updated afterwards.
    public func finalize() -> [UInt8] { Array(hasher.finalize()) }

    /// The digest as 64 lowercase hex digits.
    public func hexDigest() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in hasher.finalize() {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// One-shot helpers.
    public static func hex(_ data: Data) -> String { var s = SHA256(); s.update(data); return s.hexDigest() }
    public static func hex(_ string: String) -> String { var s = SHA256(); s.update(string); return s.hexDigest() }
}
