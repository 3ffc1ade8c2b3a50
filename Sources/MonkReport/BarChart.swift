// Bar charts of one number per experiment (training time, peak memory, accuracies), each bar
// in its experiment's colour, the value written above it; a missing value is marked "n/a".
import Foundation

/// One bar.
public struct Bar: Sendable, Equatable {
    public var label: String
    public var value: Double?
    public var color: String

    public init(label: String, value: Double?, color: String) {
        self.label = label
        self.value = value
        self.color = color
    }
}

/// A vertical bar chart whose y axis starts at zero.
public struct BarChart: Sendable, Equatable {
    public var title: String
    /// Axis title with its unit, e.g. "Training time (s)".
    public var yTitle: String
    public var bars: [Bar]
    /// Values are fractions shown as percents (axis up to 100%).
    public var percent: Bool
    /// Decimals of the value written above each bar.
    public var valueDecimals: Int

    public init(title: String, yTitle: String, bars: [Bar], percent: Bool = false, valueDecimals: Int = 1) {
        self.title = title
        self.yTitle = yTitle
        self.bars = bars
        self.percent = percent
        self.valueDecimals = valueDecimals
    }

    public func svg() -> String {
        let maxValue = bars.compactMap(\.value).max() ?? 1
        let y = NiceScale(minimum: 0, maximum: percent ? min(1, max(maxValue, 0.01)) : max(maxValue, 1e-9), targetTicks: 6)
        let slot = max(64.0, Double(bars.map(\.label.count).max() ?? 0) * 6.5 + 12)
        let plotW = max(200, slot * Double(bars.count)), plotH = 220.0
        let frame = ChartFrame(left: 64, top: 36, right: 64 + plotW, bottom: 36 + plotH,
                               x: NiceScale(minimum: 0, maximum: 1), y: y)
        var svg = SVGCanvas(width: frame.right + 20, height: frame.bottom + 48)
        svg.text(title, 64, 22, size: 14, weight: "bold")
        frame.draw(on: &svg, xTitle: "", yTitle: yTitle, yPercent: percent, xTicks: false)
        let step = plotW / Double(max(1, bars.count))
        for (i, bar) in bars.enumerated() {
            let centre = frame.left + step * (Double(i) + 0.5)
            let width = min(48, step * 0.6)
            if let v = bar.value {
                let top = frame.py(v)
                let text = percent ? NumberText.percent(v, valueDecimals) : NumberText.fixed(v, valueDecimals)
                svg.rect(centre - width / 2, top, width, frame.bottom - top, fill: bar.color, title: "\(bar.label): \(text)")
                svg.text(text, centre, top - 4, anchor: .middle, size: 11)
            } else {
                svg.text("n/a", centre, frame.bottom - 4, anchor: .middle, size: 11, fill: "#888")
            }
            svg.text(bar.label, centre, frame.bottom + 16, anchor: .middle, size: 11)
        }
        return svg.render(title: title)
    }
}
