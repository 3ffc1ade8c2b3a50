// Pixel operations behind the random transforms: flips, rotation, brightness and contrast.
import Foundation

extension FloatImage {
    public func flippedHorizontally() -> FloatImage {
        var out = self
        for y in 0..<height { for x in 0..<width { for c in 0..<3 {
            out.pixels[(y * width + x) * 3 + c] = pixels[(y * width + width - 1 - x) * 3 + c]
        } } }
        return out
    }

    public func flippedVertically() -> FloatImage {
        var out = self
        let row = width * 3
        for y in 0..<height { for i in 0..<row { out.pixels[y * row + i] = pixels[(height - 1 - y) * row + i] } }
        return out
    }

    /// Rotated counter-clockwise by `degrees` about the image centre, same size; each output
    /// pixel samples the source bilinearly, and points outside the source count as 0.
    public func rotated(degrees: Double) -> FloatImage {
        let a = degrees * .pi / 180, ca = cos(a), sa = sin(a)
        let cx = Double(width) / 2, cy = Double(height) / 2
        var out = FloatImage(width: width, height: height)
        func at(_ x: Int, _ y: Int, _ c: Int) -> Double {
            (x >= 0 && x < width && y >= 0 && y < height) ? Double(pixels[(y * width + x) * 3 + c]) : 0
        }
        for y in 0..<height {
            for x in 0..<width {
                // Inverse mapping of the pixel centre (y axis points down, so +angle turns left).
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                let sx = ca * dx - sa * dy + cx - 0.5, sy = sa * dx + ca * dy + cy - 0.5
                let x0 = Int(floor(sx)), y0 = Int(floor(sy))
                let fx = sx - Double(x0), fy = sy - Double(y0)
                for c in 0..<3 {
                    let top = at(x0, y0, c) * (1 - fx) + at(x0 + 1, y0, c) * fx
                    let bottom = at(x0, y0 + 1, c) * (1 - fx) + at(x0 + 1, y0 + 1, c) * fx
                    out.pixels[(y * width + x) * 3 + c] = Float(top * (1 - fy) + bottom * fy)
                }
            }
        }
        return out
    }

    /// x·b clamped, then (x − m)·c + m clamped, where m is the mean of the gray image
    /// 0.299 R + 0.587 G + 0.114 B after the brightness step (torchvision's adjust_* formulas).
    public func adjusted(brightness b: Float, contrast c: Float) -> FloatImage {
        var out = self
        for i in 0..<out.pixels.count { out.pixels[i] = min(1, max(0, out.pixels[i] * b)) }
        if c != 1 {
            var sum = 0.0
            for p in 0..<(width * height) {
                sum += 0.299 * Double(out.pixels[3 * p]) + 0.587 * Double(out.pixels[3 * p + 1]) + 0.114 * Double(out.pixels[3 * p + 2])
            }
            let m = Float(sum / Double(max(1, width * height)))
            for i in 0..<out.pixels.count { out.pixels[i] = min(1, max(0, (out.pixels[i] - m) * c + m)) }
        }
        return out
    }
}
