// ROC curves of several experiments overlaid on one unit square, with the chance diagonal
// and each model's operating point (its sensitivity and specificity at the chosen threshold).
import Foundation

/// One experiment's curve in the overlay.
public struct ROCSeries: Sendable, Equatable {
    public var name: String
    public var color: String
    public var curve: ROCCurve
    /// (1 − specificity, sensitivity) at the decision threshold, drawn as a dot.
    public var operatingPoint: LineSeries.Point?

    public init(name: String, color: String, curve: ROCCurve, operatingPoint: LineSeries.Point? = nil) {
        self.name = name
        self.color = color
        self.curve = curve
        self.operatingPoint = operatingPoint
    }
}

public struct ROCPlot: Sendable, Equatable {
    public var title: String
    public var series: [ROCSeries]

    public init(title: String, series: [ROCSeries]) {
        self.title = title
        self.series = series
    }

    public func svg() -> String {
        let labels = series.map { "\($0.name) (AUC \(NumberText.fixed($0.curve.auc, 3)))" }
        let unit = NiceScale(minimum: 0, maximum: 1, targetTicks: 6)
        let side = 320.0
        let frame = ChartFrame(left: 64, top: 36, right: 64 + side, bottom: 36 + side, x: unit, y: unit)
        let legendLabels = labels + ["chance (AUC 0.5)", "operating point"]
        var svg = SVGCanvas(width: frame.right + 16 + legendWidth(legendLabels), height: frame.bottom + 48)
        svg.text(title, 64, 22, size: 14, weight: "bold")
        frame.draw(on: &svg, xTitle: "False-positive rate (1 − specificity)", yTitle: "True-positive rate (sensitivity)")
        svg.line(frame.px(0), frame.py(0), frame.px(1), frame.py(1), stroke: "#999", dash: "4 4")
        for (s, label) in zip(series, labels) {
            let p = zip(s.curve.falsePositiveRate, s.curve.truePositiveRate).map { (frame.px($0), frame.py($1)) }
            svg.polyline(p, stroke: s.color, label: label)
            if let o = s.operatingPoint { svg.circle(frame.px(o.x), frame.py(o.y), r: 4, fill: s.color) }
        }
        var legend = zip(series, labels).map { LegendEntry(label: $1, color: $0.color, mark: .line(dash: nil)) }
        legend.append(LegendEntry(label: "chance (AUC 0.5)", color: "#999", mark: .line(dash: "4 4")))
        svg.legend(legend, x: frame.right + 16, y: frame.top + 6)
        if series.contains(where: { $0.operatingPoint != nil }) {
            let y = frame.top + 6 + Double(legend.count) * 18
            svg.circle(frame.right + 28, y, r: 4, fill: "#444")
            svg.text("operating point (threshold)", frame.right + 46, y + 4, size: 11)
        }
        return svg.render(title: title)
    }
}
