// The plot area every chart shares: light grid at nice ticks, tick labels, axis titles with
// units, and a legend column on the right.
import Foundation

/// A plot rectangle in pixels and the scales mapped onto it.
struct ChartFrame {
    let left: Double, top: Double, right: Double, bottom: Double
    let x: NiceScale
    let y: NiceScale

    func px(_ value: Double) -> Double { x.map(value, from: left, to: right) }
    func py(_ value: Double) -> Double { y.map(value, from: bottom, to: top) }

    /// Grid lines, tick labels and axis titles. `yPercent` writes y ticks of fractions as percents.
    func draw(on svg: inout SVGCanvas, xTitle: String, yTitle: String, yPercent: Bool = false, xTicks: Bool = true) {
        for t in y.ticks {
            let yy = py(t)
            svg.line(left, yy, right, yy, stroke: "#e4e4e4")
            let text = yPercent ? NumberText.fixed(t * 100, max(0, y.decimals - 2)) : y.label(t)
            svg.text(text, left - 6, yy + 4, anchor: .end, size: 11, fill: "#444")
        }
        if xTicks {
            for t in x.ticks {
                let xx = px(t)
                svg.line(xx, top, xx, bottom, stroke: "#f0f0f0")
                svg.text(x.label(t), xx, bottom + 16, anchor: .middle, size: 11, fill: "#444")
            }
        }
        svg.line(left, bottom, right, bottom, stroke: "#444")
        svg.line(left, top, left, bottom, stroke: "#444")
        if !xTitle.isEmpty { svg.text(xTitle, (left + right) / 2, bottom + 36, anchor: .middle, size: 12) }
        let midY = (top + bottom) / 2
        svg.text(yTitle, left - 46, midY, anchor: .middle, size: 12, rotate: -90)
    }
}

/// One legend entry: a line sample (solid, dashed or a filled box) and its text.
struct LegendEntry {
    enum Mark { case line(dash: String?), box }
    let label: String
    let color: String
    let mark: Mark
}

extension SVGCanvas {
    /// A legend column starting at (x, y), one entry per 18 px.
    mutating func legend(_ entries: [LegendEntry], x: Double, y: Double) {
        for (i, e) in entries.enumerated() {
            let yy = y + Double(i) * 18
            switch e.mark {
            case .line(let dash): line(x, yy, x + 24, yy, stroke: e.color, width: 2.5, dash: dash)
            case .box: rect(x + 6, yy - 6, 12, 12, fill: e.color)
            }
            text(e.label, x + 30, yy + 4, size: 11)
        }
    }
}

/// Longest label in characters → approximate width at 11 px (for sizing the legend column).
func legendWidth(_ labels: [String]) -> Double {
    Double(labels.map(\.count).max() ?? 0) * 6.2 + 40
}
