// An 8-bit image in memory: the unit that decoders produce, the pixel cache stores and the
// deterministic resize works on (uint8 keeps the cache small and matches Pillow bit for bit).

/// Interleaved 8-bit pixels, row-major, `channels` = 1 (gray) or 3 (RGB).
public struct Image: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "images have 1 or 3 channels, not \(channels)")
        precondition(pixels.count == width * height * channels, "\(pixels.count) bytes for \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// A zero-filled image.
    public init(width: Int, height: Int, channels: Int) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: 0, count: width * height * channels))
    }

    /// Sample `c` of the pixel at (x, y); a gray image answers every channel with its value.
    public subscript(x x: Int, y y: Int, c c: Int) -> UInt8 {
        pixels[(y * width + x) * channels + (channels == 1 ? 0 : c)]
    }

    /// The same image with three channels (gray repeated).
    public func rgb() -> Image {
        if channels == 3 { return self }
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            let v = pixels[i]
            out[3 * i] = v; out[3 * i + 1] = v; out[3 * i + 2] = v
        }
        return Image(width: width, height: height, channels: 3, pixels: out)
    }
}

/// Width and height in pixels.
public struct ImageSize: Sendable, Hashable, Codable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) { self.width = width; self.height = height }
    /// A square size.
    public init(_ side: Int) { self.init(width: side, height: side) }
    public var description: String { "\(width)x\(height)" }
}
