// Every SVG parses as XML and holds the expected series, legend labels and values;
// nice tick values for typical axes.
import Foundation
import Testing
@testable import MonkReport

@Suite struct PlotTests {
    @Test func niceTicks() {
        // Heckbert: range 0.74 / 4 intervals = 0.185 → nice step 0.2; 0.13…0.87 widens to 0…1.
        let a = NiceScale(minimum: 0.13, maximum: 0.87, targetTicks: 5)
        #expect(a.step == 0.2 && a.lower == 0 && a.upper == 1 && a.ticks.map(a.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        // Epochs 1…3: 2/4 = 0.5 → steps below 1 are not allowed on integer axes.
        let e = NiceScale(minimum: 1, maximum: 3, targetTicks: 5, integerSteps: true)
        #expect(e.ticks == [1, 2, 3] && e.label(2) == "2")
        // 0…1234 seconds: 1234/5 = 246.8 → 200; 0…1400.
        let t = NiceScale(minimum: 0, maximum: 1234, targetTicks: 6)
        #expect(t.step == 200 && t.upper == 1400 && t.ticks.count == 8)
        // A flat series still gets an axis with extent.
        let f = NiceScale(minimum: 0.5, maximum: 0.5)
        #expect(f.lower < 0.5 && f.upper > 0.5)
    }

    @Test func lineChartHasOnePolylinePerSeriesAndALegend() throws {
        let series = [
            LineSeries(name: "A train", color: "#0072B2", dashed: false, points: [.init(1, 0.7), .init(2, 0.8)]),
            LineSeries(name: "A val", color: "#0072B2", dashed: true, points: [.init(1, 0.6), .init(2, 0.75)]),
            LineSeries(name: "B <train> & more", color: "#D55E00", dashed: false, points: [.init(1, 0.5)]),
        ]
        let chart = LineChart(title: "Accuracy", xTitle: "Epoch", yTitle: "Accuracy (%)", series: series, yPercent: true)
        let xml = try #require(XMLSummary.parse(chart.svg()))
        let lines = xml.attributes(of: "polyline")
        #expect(lines.map { $0["data-series"] } == ["A train", "A val", "B <train> & more"])
        #expect(lines.map { $0["stroke-dasharray"] } == [nil, "6 4", nil])
        #expect(lines[0]["points"]?.split(separator: " ").count == 2)
        // Legend labels and axis titles are text; percent ticks 50…80 (range 0.5–0.8, step 0.1 → "50" … "80").
        #expect(xml.texts.contains("B <train> & more") && xml.texts.contains("Epoch") && xml.texts.contains("Accuracy (%)"))
        #expect(xml.texts.contains("50") && xml.texts.contains("80"))
    }

    @Test func barChartDrawsOneBarPerValueAndMarksMissing() throws {
        let chart = BarChart(title: "Training time", yTitle: "Wall time (s)", bars: [
            Bar(label: "Exp_1", value: 120.5, color: "#0072B2"),
            Bar(label: "Exp_2", value: nil, color: "#D55E00"),
            Bar(label: "Exp_3", value: 60, color: "#009E73"),
        ])
        let xml = try #require(XMLSummary.parse(chart.svg()))
        // One background rect plus one per present value.
        #expect(xml.count("rect") == 3)
        #expect(xml.texts.contains("120.5") && xml.texts.contains("60.0") && xml.texts.contains("n/a"))
        #expect(xml.texts.contains("Wall time (s)") && xml.texts.contains("Exp_2"))
    }

    @Test func rocOverlayHasACurvePerExperimentAndTheDiagonal() throws {
        let set = Fixtures.tied
        let curve = try #require(ROCCurve(scores: set.scores(of: 1), isPositive: set.trueLabels.map { $0 == 1 }))
        let plot = ROCPlot(title: "ROC", series: [
            ROCSeries(name: "A", color: "#0072B2", curve: curve, operatingPoint: .init(0.4, 0.75)),
            ROCSeries(name: "B", color: "#D55E00", curve: curve),
        ])
        let xml = try #require(XMLSummary.parse(plot.svg()))
        #expect(xml.attributes(of: "polyline").map { $0["data-series"] } == ["A (AUC 0.825)", "B (AUC 0.825)"])
        // The chance diagonal: the only dashed line that is neither horizontal nor vertical.
        let diagonal = xml.attributes(of: "line").filter { $0["stroke-dasharray"] == "4 4" && $0["x1"] != $0["x2"] && $0["y1"] != $0["y2"] }
        #expect(diagonal.count == 1)
        #expect(xml.texts.contains("chance (AUC 0.5)") && xml.texts.contains("True-positive rate (sensitivity)"))
        // Curve points: 6 kept points (see CurveTests).
        #expect(xml.attributes(of: "polyline")[0]["points"]?.split(separator: " ").count == 6)
    }

    @Test func confusionHeatMapShowsCountsAndRowShares() throws {
        let m = ConfusionMatrix(classNames: ["NORMAL", "PNEUMONIA"], trueLabels: [0, 0, 0, 0, 0, 1, 1, 1, 1],
                                predictedLabels: [0, 0, 0, 1, 1, 0, 1, 1, 1])
        let xml = try #require(XMLSummary.parse(ConfusionHeatMap(title: "A & B", matrix: m).svg()))
        #expect(m.counts == [[3, 2], [1, 3]])
        // Cells (after the background rect) in row order; each count with its share of the row.
        #expect(xml.count("rect") == 5)
        for text in ["3", "2", "1", "60.0% of row", "40.0% of row", "25.0% of row", "75.0% of row", "Predicted class", "True class"] {
            #expect(xml.texts.contains(text), "missing \(text)")
        }
        // Shading by row share with the default colour #0072B2: 60% → 255 − 255·0.6 = 102 = 0x66 red,
        // 255 − (255 − 0x72)·0.6 = 170.4 → 0xAA green, 255 − (255 − 0xB2)·0.6 = 208.8 → 0xD1 blue.
        #expect(xml.attributes(of: "rect")[1]["fill"] == "#66AAD1")
    }

    @Test func escapesMarkupCharacters() {
        #expect(escapeXML("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
        #expect(escapeXML("bell\u{07}") == "bell")
    }
}
