// Multi-series line charts on shared axes: train and validation curves of every experiment
// in one picture, one colour per experiment, solid for train and dashed for validation.
import Foundation

/// A named sequence of (x, y) points drawn as one polyline.
public struct LineSeries: Sendable, Equatable {
    public var name: String
    public var color: String
    public var dashed: Bool
    public var points: [Point]

    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    }

    public init(name: String, color: String, dashed: Bool, points: [Point]) {
        self.name = name
        self.color = color
        self.dashed = dashed
        self.points = points
    }
}

/// A line chart; x is typically the epoch.
public struct LineChart: Sendable, Equatable {
    public var title: String
    public var xTitle: String
    public var yTitle: String
    public var series: [LineSeries]
    /// Integer x ticks (epochs).
    public var integerX: Bool
    /// y values are fractions shown as percents; the axis then always spans at most 0–100%.
    public var yPercent: Bool

    public init(title: String, xTitle: String, yTitle: String, series: [LineSeries],
                integerX: Bool = true, yPercent: Bool = false) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.series = series
        self.integerX = integerX
        self.yPercent = yPercent
    }

    /// The chart as an SVG document; series without points are listed in the legend only.
    public func svg() -> String {
        let all = series.flatMap(\.points)
        let xs = all.map(\.x), ys = all.map(\.y)
        let x = NiceScale(minimum: xs.min() ?? 0, maximum: xs.max() ?? 1, targetTicks: 6, integerSteps: integerX)
        var y = NiceScale(minimum: ys.min() ?? 0, maximum: ys.max() ?? 1, targetTicks: 6)
        if yPercent { y = NiceScale(minimum: max(0, y.lower), maximum: min(1, y.upper), targetTicks: 6) }
        let legendW = legendWidth(series.map(\.name))
        let plotW = 440.0, plotH = 260.0
        let frame = ChartFrame(left: 64, top: 36, right: 64 + plotW, bottom: 36 + plotH, x: x, y: y)
        var svg = SVGCanvas(width: frame.right + 16 + legendW, height: frame.bottom + 48)
        svg.text(title, 64, 22, size: 14, weight: "bold")
        frame.draw(on: &svg, xTitle: xTitle, yTitle: yTitle, yPercent: yPercent)
        for s in series where !s.points.isEmpty {
            let p = s.points.map { (frame.px($0.x), frame.py($0.y)) }
            svg.polyline(p, stroke: s.color, dash: s.dashed ? "6 4" : nil, label: s.name)
            if s.points.count <= 40 { for q in p { svg.circle(q.0, q.1, r: 2.5, fill: s.color) } }
        }
        svg.legend(series.map { LegendEntry(label: $0.name, color: $0.color, mark: .line(dash: $0.dashed ? "6 4" : nil)) },
                   x: frame.right + 16, y: frame.top + 6)
        return svg.render(title: title)
    }
}
