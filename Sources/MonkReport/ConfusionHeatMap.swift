// A confusion matrix drawn as a heat map: each cell holds its count and its share of the true
// class (row), and is shaded by that share, so errors on the smaller class stay visible.
import Foundation

public struct ConfusionHeatMap: Sendable, Equatable {
    public var title: String
    public var matrix: ConfusionMatrix
    /// The experiment's colour: cells are tinted from white to it.
    public var color: String

    public init(title: String, matrix: ConfusionMatrix, color: String = "#0072B2") {
        self.title = title
        self.matrix = matrix
        self.color = color
    }

    public func svg() -> String {
        let n = matrix.classNames.count
        let nameWidth = Double(matrix.classNames.map(\.count).max() ?? 0) * 6.5 + 12
        let cell = max(100.0, nameWidth)
        let left = 40 + nameWidth, top = 64.0
        var svg = SVGCanvas(width: max(left + cell * Double(n) + 20, Double(title.count) * 7.9 + 32),
                            height: top + cell * Double(n) + 44)
        svg.text(title, 16, 22, size: 14, weight: "bold")
        svg.text("Predicted class", left + cell * Double(n) / 2, top - 26, anchor: .middle, size: 12)
        svg.text("True class", 16, top + cell * Double(n) / 2, anchor: .middle, size: 12, rotate: -90)
        let (r, g, b) = Self.rgb(color)
        for (j, name) in matrix.classNames.enumerated() {
            svg.text(name, left + cell * (Double(j) + 0.5), top - 8, anchor: .middle, size: 11)
            svg.text(name, left - 6, top + cell * (Double(j) + 0.5) + 4, anchor: .end, size: 11)
        }
        for t in 0..<n {
            let support = matrix.support(t)
            for p in 0..<n {
                let count = matrix.counts[t][p]
                let share = support > 0 ? Double(count) / Double(support) : 0
                // Mix white with the experiment colour by the row share.
                func mix(_ c: Int) -> Int { Int((255 - (255 - Double(c)) * share).rounded()) }
                let fill = String(format: "#%02X%02X%02X", mix(r), mix(g), mix(b))
                let x = left + cell * Double(p), y = top + cell * Double(t)
                let label = "true \(matrix.classNames[t]), predicted \(matrix.classNames[p]): \(count)"
                svg.rect(x, y, cell, cell, fill: fill, stroke: "#fff", title: label)
                let ink = share > 0.55 ? "#fff" : "#222"
                svg.text("\(count)", x + cell / 2, y + cell / 2, anchor: .middle, size: 16, weight: "bold", fill: ink)
                let sharedText = support > 0 ? NumberText.percent(share) + " of row" : "no images"
                svg.text(sharedText, x + cell / 2, y + cell / 2 + 16, anchor: .middle, size: 10, fill: ink)
            }
        }
        return svg.render(title: title)
    }

    /// "#RRGGBB" → components; anything else falls back to the palette's first colour.
    static func rgb(_ hex: String) -> (Int, Int, Int) {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard digits.count == 6, let v = Int(digits, radix: 16) else { return (0x00, 0x72, 0xB2) }
        return ((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF)
    }
}
