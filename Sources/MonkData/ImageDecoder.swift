// Format sniffing and decoding of JPEG (libjpeg-turbo) and PNG (libpng) into `Image`.
import CJPEG
import CPNG
import Foundation

/// The file formats the decoder recognises by their first bytes (never by the file name).
public enum ImageFormat: String, Sendable, Codable {
    case jpeg, png, gif, bmp, webp, tiff, unknown

    public init(sniffing bytes: some Collection<UInt8>) {
        let b = Array(bytes.prefix(12))
        func starts(_ p: [UInt8]) -> Bool { b.count >= p.count && Array(b.prefix(p.count)) == p }
        if starts([0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { self = .png }
        else if starts(Array("GIF8".utf8)) { self = .gif }
        else if starts(Array("BM".utf8)) { self = .bmp }
        else if starts(Array("RIFF".utf8)) && b.count >= 12 && Array(b[8..<12]) == Array("WEBP".utf8) { self = .webp }
        else if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { self = .tiff }
        else { self = .unknown }
    }
}

/// Why a file could not be turned into pixels. `description` is the reason shown to users.
public enum ImageDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(String)
    case empty
    case unsupportedFormat(ImageFormat)
    case corrupt(ImageFormat, String)
    /// The header declares more pixels than `ImageLimits.maxPixels`; nothing was decoded.
    case tooManyPixels(ImageFormat, declared: ImageSize, limit: Int)
    /// The resize the preprocessing asks for would make more pixels than the limit (an
    /// image far longer than wide, resized by its shorter side).
    case resizeTooLarge(stored: ImageSize, resized: ImageSize, limit: Int)

    public var description: String {
        switch self {
        case .unreadable(let why): return "cannot read file: \(why)"
        case .empty: return "empty file (0 bytes)"
        case .unsupportedFormat(.unknown): return "not an image: neither JPEG nor PNG signature"
        case .unsupportedFormat(let f): return "unsupported format \(f.rawValue.uppercased()) (only JPEG and PNG are read)"
        case .corrupt(let f, let why): return "corrupt \(f.rawValue.uppercased()): \(why)"
        case let .tooManyPixels(f, size, limit):
            return "\(f.rawValue.uppercased()) declares \(size.width)×\(size.height) = \(pixelCount(size.width * size.height)) pixels, "
                + "more than the limit of \(pixelCount(limit)) (max_image_pixels); refused without decoding"
        case let .resizeTooLarge(stored, resized, limit):
            return "a \(stored.width)×\(stored.height) image resized to \(resized.width)×\(resized.height) would have "
                + "\(pixelCount(resized.width &* resized.height)) pixels, more than the limit of \(pixelCount(limit)) (max_image_pixels)"
        }
    }
}

/// A decoded image plus what the file said about itself.
public struct DecodedImage: Sendable {
    public var image: Image
    /// Size stored in the file (the image may be smaller after DCT-domain scaling).
    public var storedSize: ImageSize
    public var format: ImageFormat
}

/// Decodes JPEG and PNG bytes. Stateless; safe to call from many threads at once.
public enum ImageDecoder {
    /// Decodes `data`. With `atLeast`, a JPEG may be decoded at 1/2, 1/4 or 1/8 scale (in the
    /// DCT domain, far cheaper than full decoding) as long as the result is no smaller than
    /// that size; PNGs are always decoded at full size. A file declaring more pixels than
    /// `limits` allows is refused before decoding.
    public static func decode(_ data: Data, atLeast: ImageSize? = nil, limits: ImageLimits = ImageLimits()) throws(ImageDecodeError) -> DecodedImage {
        if data.isEmpty { throw .empty }
        let format = ImageFormat(sniffing: data)
        switch format {
        case .jpeg: return try decodeJPEG(data, atLeast: atLeast, maxPixels: limits.maxPixels)
        case .png: return try decodePNG(data, maxPixels: limits.maxPixels)
        default: throw .unsupportedFormat(format)
        }
    }

    /// Reads and decodes the file at `url` (a regular file no larger than `limits` allows).
    public static func decode(contentsOf url: URL, atLeast: ImageSize? = nil, limits: ImageLimits = ImageLimits()) throws(ImageDecodeError) -> DecodedImage {
        return try decode(try read(url, limits: limits), atLeast: atLeast, limits: limits)
    }

    /// The bytes of an image file, or why it cannot be read (the size limit named).
    public static func read(_ url: URL, limits: ImageLimits) throws(ImageDecodeError) -> Data {
        do { return try FileBytes.read(url, maxBytes: limits.maxFileBytes) } catch {
            if case .tooLarge = error { throw .unreadable("\(error) for an image file (max_image_bytes)") }
            throw .unreadable(error.description)
        }
    }

    static func decodeJPEG(_ data: Data, atLeast: ImageSize?, maxPixels: Int) throws(ImageDecodeError) -> DecodedImage {
        var r = monk_jpeg_result()
        let status = data.withUnsafeBytes { raw in
            monk_jpeg_decode(raw.bindMemory(to: UInt8.self).baseAddress, UInt(raw.count),
                             Int32(atLeast?.width ?? 0), Int32(atLeast?.height ?? 0), UInt64(max(maxPixels, 0)), &r)
        }
        if r.too_many_pixels != 0 {
            throw .tooManyPixels(.jpeg, declared: ImageSize(width: Int(r.full_width), height: Int(r.full_height)), limit: maxPixels)
        }
        if status != 0 {
            // A file cut short often fails before the scan with a structural message; say why.
            let endsWithEOI = data.count >= 2 && data[data.endIndex - 2] == 0xFF && data[data.endIndex - 1] == 0xD9
            let why = message(&r.error)
            throw .corrupt(.jpeg, endsWithEOI || why.hasPrefix("truncated") ? why : "truncated (no end-of-image marker): \(why)")
        }
        let image = adopt(r.pixels, width: Int(r.width), height: Int(r.height), channels: Int(r.channels))
        return DecodedImage(image: image, storedSize: ImageSize(width: Int(r.full_width), height: Int(r.full_height)), format: .jpeg)
    }

    static func decodePNG(_ data: Data, maxPixels: Int) throws(ImageDecodeError) -> DecodedImage {
        var r = monk_png_result()
        let status = data.withUnsafeBytes { raw in
            monk_png_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, UInt64(max(maxPixels, 0)), &r)
        }
        if r.too_many_pixels != 0 {
            throw .tooManyPixels(.png, declared: ImageSize(width: Int(UInt32(bitPattern: r.width)), height: Int(UInt32(bitPattern: r.height))), limit: maxPixels)
        }
        if status != 0 { throw .corrupt(.png, message(&r.error)) }
        let image = adopt(r.pixels, width: Int(r.width), height: Int(r.height), channels: Int(r.channels))
        return DecodedImage(image: image, storedSize: ImageSize(width: image.width, height: image.height), format: .png)
    }

    /// Copies a malloc'ed C buffer into an Image and frees it.
    static func adopt(_ p: UnsafeMutablePointer<UInt8>?, width: Int, height: Int, channels: Int) -> Image {
        defer { free(p) }
        let n = width * height * channels
        let pixels = [UInt8](unsafeUninitializedCapacity: n) { buf, count in
            if let p, let base = buf.baseAddress { base.update(from: p, count: n) }
            count = n
        }
        return Image(width: width, height: height, channels: channels, pixels: pixels)
    }

    static func message<T>(_ tuple: inout T) -> String {
        withUnsafeBytes(of: &tuple) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}
