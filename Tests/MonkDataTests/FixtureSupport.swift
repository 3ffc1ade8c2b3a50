// Shared helpers for MonkData tests: fixture paths, expected.json, temporary folders.
import Foundation
@testable import MonkData

enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!
    }

    struct Expected: Decodable {
        let width: Int, height: Int, channels: Int
        /// 8-bit samples (Pillow references) or floats (torchvision references), HWC.
        let pixels: [UInt8]?
        let floats: [Float]?
        var image: Image { Image(width: width, height: height, channels: channels, pixels: pixels!) }
    }

    /// expected.json, written by Fixtures/make_fixtures.py from Pillow's own decode/resize.
    static let expected: [String: Expected] = {
        let data = try! Data(contentsOf: url("expected.json"))
        return try! JSONDecoder().decode([String: Expected].self, from: data)
    }()

    /// The formula make_fixtures.py uses for 8-bit pattern pixels.
    static func v8(_ x: Int, _ y: Int, _ c: Int) -> UInt8 { UInt8((x * 37 + y * 91 + c * 53) % 256) }
    /// The formula make_fixtures.py uses for 16-bit PNG samples.
    static func v16(_ x: Int, _ y: Int, _ c: Int) -> Int { (x * 4099 + y * 12289 + c * 977 + 5) % 65536 }

    /// The 8-bit pattern image (v8) of any size, gray or RGB.
    static func pattern(width: Int, height: Int, channels: Int) -> Image {
        var px: [UInt8] = []
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { px.append(v8(x, y, c)) } } }
        return Image(width: width, height: height, channels: channels, pixels: px)
    }
}

/// A fresh temporary directory, removed by `cleanup()`.
struct TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("monkdata-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
    func file(_ path: String, _ data: Data) -> URL {
        let u = url.appendingPathComponent(path)
        try! FileManager.default.createDirectory(at: u.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! data.write(to: u)
        return u
    }
}
