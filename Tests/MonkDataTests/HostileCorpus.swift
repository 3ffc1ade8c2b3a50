// The hostile-image corpus: damaged and malicious variants of the small fixtures, made here
// byte by byte (nothing large is stored in the repository). Each names what it imitates.
import Foundation
@testable import MonkData

enum HostileCorpus {
    static func fixture(_ name: String) -> [UInt8] { Array(try! Data(contentsOf: Fixtures.url(name))) }

    /// Offset of the first marker `code` (0xFF code) after the SOI, walking segment lengths.
    static func marker(_ code: UInt8, in d: [UInt8]) -> Int? {
        var i = 2
        while i + 3 < d.count {
            guard d[i] == 0xFF else { return nil }
            if d[i + 1] == code { return i }
            if d[i + 1] == 0xDA { return nil }  // entropy data follows; stop
            i += 2 + Int(d[i + 2]) << 8 + Int(d[i + 3])
        }
        return nil
    }

    /// A JPEG whose frame header claims `width`×`height`; the scans still describe 16×16.
    /// With 65500×65500 this is the 576-byte progressive "decompression bomb" of issue 13
    /// (libjpeg buffers every coefficient of a progressive image: 12.8 GB, 31–57 s).
    static func jpegClaiming(width: Int, height: Int, from name: String = "rgb_progressive.jpg") -> [UInt8] {
        var d = fixture(name)
        let sof = marker(0xC2, in: d) ?? marker(0xC0, in: d)!
        d[sof + 5] = UInt8(height >> 8); d[sof + 6] = UInt8(height & 255)
        d[sof + 7] = UInt8(width >> 8); d[sof + 8] = UInt8(width & 255)
        return d
    }

    /// The baseline JPEG cut in the middle of its scan, with the end-of-image marker put back:
    /// libjpeg decodes the missing half as flat gray and only warns ("premature end of data
    /// segment").
    static func jpegCutKeepingEOI(_ name: String = "rgb_baseline.jpg") -> [UInt8] {
        let d = fixture(name)
        let sos = marker(0xDA, in: d)!
        let cut = sos + (d.count - sos) / 2
        return Array(d[..<cut]) + [0xFF, 0xD9]
    }

    /// Junk bytes between the scan and the end-of-image marker ("extraneous bytes before marker").
    static func jpegJunkBeforeEOI() -> [UInt8] {
        let d = fixture("rgb_baseline.jpg")
        // More than the entropy decoder's read-ahead, which would swallow a few bytes unseen.
        return Array(d.dropLast(2)) + Array(String(repeating: "junk", count: 16).utf8) + [0xFF, 0xD9]
    }

    /// The progressive fixture with its last scan (a Huffman table and a refinement scan)
    /// repeated until the file holds `scans` scans: each extra scan makes libjpeg pass over
    /// the whole image again.
    static func jpegWithScans(_ scans: Int) -> [UInt8] {
        let d = fixture("rgb_progressive.jpg")
        // The last DHT+SOS pair of rgb_progressive.jpg starts at byte 528 and ends at the EOI.
        let lastScan = Array(d[528..<(d.count - 2)])
        let present = d.indices.dropLast().filter { d[$0] == 0xFF && d[$0 + 1] == 0xDA }.count
        var out = Array(d.dropLast(2))
        for _ in present..<scans { out += lastScan }
        return out + [0xFF, 0xD9]
    }

    // MARK: PNG

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

    /// A stored (uncompressed) zlib stream: no compressor needed to write valid IDAT data.
    static func zlibStored(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var i = 0
        repeat {
            let n = min(65535, raw.count - i)
            out.append(i + n == raw.count ? 1 : 0)
            out += [UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8(~n >> 8 & 255)]
            out += raw[i..<(i + n)]
            i += n
        } while i < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for x in raw { a = (a + UInt32(x)) % 65521; b = (b + a) % 65521 }
        return out + be32(b << 16 | a)
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    static func ihdr(width: Int, height: Int) -> [UInt8] {
        chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
    }

    /// An 8-bit RGB PNG of `width`×`height` whose rows (filter byte + pixels) are `rows`
    /// (defaults to the full image of value 7), plus `extra` chunks before IDAT.
    static func png(width: Int, height: Int, rows: [UInt8]? = nil, before: [UInt8] = [], after: [UInt8] = []) -> [UInt8] {
        let raw = rows ?? [UInt8](repeating: 7, count: height * (1 + 3 * width)).enumerated().map { $0.offset % (1 + 3 * width) == 0 ? 0 : $0.element }
        return signature + ihdr(width: width, height: height) + before + chunk("IDAT", zlibStored(raw)) + after + chunk("IEND", [])
    }

    /// 30000×30000 declared, a few hundred bytes of data (issue 13's 875 KB file held the whole
    /// deflated image; the limit must act on the header alone, so the data do not matter).
    static func pngBomb() -> [UInt8] {
        signature + ihdr(width: 30000, height: 30000) + chunk("IDAT", zlibStored([UInt8](repeating: 0, count: 300))) + chunk("IEND", [])
    }
}
