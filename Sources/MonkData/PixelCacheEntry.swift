// The bytes of one pixel-cache entry: compact (one plane for a grey image decoded as RGB, rows
// delta-coded and deflated) and checksummed, so a damaged entry is found before it is inflated.
import CSystemZlib
import Foundation
import MonkEngine

/// "MPX3": a 32-byte header (the magic, then little-endian UInt32s: channels, width, height,
/// stored width, stored height, planes, encoding), the payload, and a `Checksum64` of
/// everything before it (8 bytes, little-endian).
/// - planes: 1 when a 3-channel image has r == g == b everywhere (a chest X-ray decoded as
///   RGB; widened again on read), else the channel count.
/// - encoding 1: each row of the planes minus the row above (mod 256; PNG's "Up" filter),
///   then zlib at level 1; encoding 0: the planes as they are (when deflate would not help).
/// Measured on 100 images of the real chest X-ray train folder at 224×224: the planes take a
/// third of the RGB bytes, and the deflated rows about half of that again.
/// "MPX2" entries (24-byte header, every channel stored raw) are still read.
extension PixelCache {
    static let magic: [UInt8] = Array("MPX3".utf8)
    /// The earlier format (read, never written).
    static let magicAllChannels: [UInt8] = Array("MPX2".utf8)

    struct Damage: Error { let reason: String }

    static func encode(_ e: PreparedImage) -> Data {
        let image = e.image
        let planes = image.channels == 3 && channelsAreEqual(image.pixels) ? 1 : image.channels
        let raw = planes == image.channels ? image.pixels : stride(from: 0, to: image.pixels.count, by: 3).map { image.pixels[$0] }
        let deflated = deflateRows(raw, rowBytes: image.width * planes)
        var d = Data(magic)
        for v in [image.channels, image.width, image.height, e.storedSize.width, e.storedSize.height, planes, deflated == nil ? 0 : 1] {
            withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) }
        }
        d.append(contentsOf: deflated ?? raw)
        withUnsafeBytes(of: Checksum64.of(d).littleEndian) { d.append(contentsOf: $0) }
        return d
    }

    static func decode(_ d: Data) -> Result<PreparedImage, Damage> {
        let legacy = Array(d.prefix(4)) == magicAllChannels
        let header = legacy ? 24 : 32
        guard d.count >= header + 8 else { return .failure(Damage(reason: "\(d.count) bytes, shorter than a header")) }
        let (v, stored, computed) = d.withUnsafeBytes { raw in
            ((0..<(header / 4 - 1)).map { Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 + 4 * $0, as: UInt32.self))) },
             UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: raw.count - 8, as: UInt64.self)),
             Checksum64.of(UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 8)])))
        }
        let (ch, w, h) = (v[0], v[1], v[2])
        let planes = legacy ? ch : v[5], encoding = legacy ? 0 : v[6]
        // Products of UInt32 fields can exceed Int: check before comparing with the length.
        let (wh, o1) = w.multipliedReportingOverflow(by: h)
        let (n, o2) = wh.multipliedReportingOverflow(by: planes)
        let payload = d.count - header - 8
        guard ch == 1 || ch == 3, planes == 1 || planes == ch, !o1, !o2, encoding == 0 || encoding == 1,
              encoding == 1 || payload == n else {
            return .failure(Damage(reason: "\(d.count) bytes do not hold a \(w)x\(h)x\(ch) image"))
        }
        guard stored == computed else { return .failure(Damage(reason: "checksum mismatch")) }
        let start = d.startIndex + header
        let bytes = d[start..<(start + payload)]
        guard let plane = encoding == 0 ? [UInt8](bytes) : inflateRows(bytes, count: n, rowBytes: w * planes) else {
            return .failure(Damage(reason: "the deflated pixels do not inflate to \(w)x\(h)x\(planes) bytes"))
        }
        var pixels = plane
        if planes != ch {
            pixels = [UInt8](repeating: 0, count: n * ch)
            for i in 0..<n { pixels[3 * i] = plane[i]; pixels[3 * i + 1] = plane[i]; pixels[3 * i + 2] = plane[i] }
        }
        return .success(PreparedImage(image: Image(width: w, height: h, channels: ch, pixels: pixels),
                                      storedSize: ImageSize(width: v[3], height: v[4])))
    }

    /// Whether every pixel of interleaved RGB `pixels` has r == g == b.
    static func channelsAreEqual(_ pixels: [UInt8]) -> Bool {
        pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i + 2 < p.count {
                if p[i] != p[i + 1] || p[i] != p[i + 2] { return false }
                i += 3
            }
            return true
        }
    }

    /// Rows minus the row above, deflated; nil when that is not smaller (or zlib fails).
    static func deflateRows(_ raw: [UInt8], rowBytes: Int) -> [UInt8]? {
        guard !raw.isEmpty, rowBytes > 0 else { return nil }
        var filtered = raw
        for i in stride(from: raw.count - 1, through: rowBytes, by: -1) { filtered[i] = raw[i] &- raw[i - rowBytes] }
        var out = [UInt8](repeating: 0, count: Int(compressBound(uLong(raw.count))))
        var length = uLong(out.count)
        let status = out.withUnsafeMutableBufferPointer { o in
            filtered.withUnsafeBufferPointer { f in compress2(o.baseAddress, &length, f.baseAddress, uLong(f.count), 1) }
        }
        guard status == Z_OK, Int(length) < raw.count else { return nil }
        return Array(out.prefix(Int(length)))
    }

    /// The inverse of `deflateRows`; nil unless the stream inflates to exactly `count` bytes
    /// (zlib stops at the buffer's end, so a hostile stream cannot grow it).
    static func inflateRows(_ bytes: Data, count: Int, rowBytes: Int) -> [UInt8]? {
        guard count > 0, rowBytes > 0 else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        var length = uLong(count)
        let source = [UInt8](bytes)
        let status = out.withUnsafeMutableBufferPointer { o in
            source.withUnsafeBufferPointer { s in uncompress(o.baseAddress, &length, s.baseAddress, uLong(s.count)) }
        }
        guard status == Z_OK, Int(length) == count else { return nil }
        for i in rowBytes..<max(count, rowBytes) { out[i] = out[i] &+ out[i - rowBytes] }
        return out
    }
}
