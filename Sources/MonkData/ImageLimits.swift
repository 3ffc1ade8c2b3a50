// Bounds on what one image file may cost before it is decoded: a few hundred bytes can
// declare billions of pixels (a decompression bomb), and a data folder can hold any file.
import Foundation
import MonkEngine

/// What an image file may declare and weigh. Files beyond either bound are refused by name,
/// before their pixels are decoded (the declared size is read from the header first).
public struct ImageLimits: Codable, Hashable, Sendable {
    /// Pillow's default `Image.MAX_IMAGE_PIXELS` (1024 × 1024 × 1024 / 4 / 3 = 89,478,485,
    /// a quarter GiB of 24-bit pixels): far above any X-ray or photo (a 24-megapixel camera
    /// image is 6000 × 4000), far below what exhausts memory.
    public static let defaultMaxPixels = 89_478_485
    /// 256 MiB: a chest X-ray JPEG is about 0.1–2 MB, a raw 16-bit 10k × 10k scan saved as PNG
    /// about 200 MB.
    public static let defaultMaxFileBytes = 256 << 20

    /// Most pixels (width × height) a file may declare.
    public var maxPixels: Int
    /// Largest file read (it is read whole to be hashed and decoded).
    public var maxFileBytes: Int

    public init(maxPixels: Int = ImageLimits.defaultMaxPixels, maxFileBytes: Int = ImageLimits.defaultMaxFileBytes) {
        self.maxPixels = maxPixels
        self.maxFileBytes = maxFileBytes
    }

    /// Why these limits cannot be used, or nil.
    public var problem: String? {
        if maxPixels < 1 { return "max_image_pixels \(maxPixels) must be at least 1" }
        if maxFileBytes < 1 { return "max_image_bytes \(maxFileBytes) must be at least 1" }
        return nil
    }
}

/// "89.5 M" for pixel counts in messages.
func pixelCount(_ n: Int) -> String {
    switch n {
    case ..<10_000: return "\(n)"
    case ..<1_000_000: return String(format: "%.1f k", Double(n) / 1e3)
    case ..<1_000_000_000: return String(format: "%.1f M", Double(n) / 1e6)
    default: return String(format: "%.2f G", Double(n) / 1e9)
    }
}
