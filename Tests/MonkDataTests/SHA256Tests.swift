// SHA-256 against the FIPS 180-2 (Appendix B) test vectors: the hex form every stored key
// uses, one-shot and fed in pieces.
import Foundation
import Testing
@testable import MonkData

@Suite struct SHA256Tests {
    @Test func fipsVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    // One million 'a', fed in uneven pieces to exercise the partial-block path.
    @Test func millionA() {
        var h = SHA256()
        let piece = [UInt8](repeating: 0x61, count: 997)
        var left = 1_000_000
        while left > 0 { let n = min(left, piece.count); h.update(Array(piece[0..<n])); left -= n }
        #expect(h.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
