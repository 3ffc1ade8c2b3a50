// `index.html` of a comparison: one self-contained page (inline CSS, plots as relative links
// to SVG files written next to it, no scripts, no network) with the table, plots, paired
// tests and every experiment's settings. Well-formed XHTML, so tests can parse it as XML.
import Foundation

struct HTMLReport {
    let name: String
    let runs: [ExperimentRun]
    let pairs: [PairedComparison]
    /// Plot files (relative names) and their captions, in page order, per section.
    let trainingPlots: [(file: String, caption: String)]
    let testPlots: [(file: String, caption: String)]

    static let style = """
        body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 16px}
        table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}
        th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;vertical-align:top}
        th{background:#f4f4f4}td.l,th.l{text-align:left}
        .swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
        figure{display:inline-block;margin:8px 12px 8px 0}figcaption{font-size:12px;color:#555}
        .note{font-size:12px;color:#555}
        """

    func render() -> String {
        var h: [String] = []
        h.append("<!DOCTYPE html>")
        h.append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"utf-8\"/>")
        h.append("<title>\(escapeXML("monkpipe comparison: \(name)"))</title><style>\(Self.style)</style></head><body>")
        h.append("<h1>Comparison: \(escapeXML(name))</h1>")
        h.append("<p class=\"note\">Rates are on the test set with 95% confidence intervals (Wilson score for proportions, "
                 + "percentile bootstrap for AUC). The kept checkpoint is the one each experiment's test evaluates and "
                 + "infer and export load (test_checkpoint: the best epoch by best_metric, or the final); the accuracy "
                 + "curves below give every epoch's validation accuracy. Data: <a href=\"comparison.csv\">comparison.csv</a>.</p>")
        h.append(resultsTable())
        h.append("<h2>Training</h2>")
        h += trainingPlots.map(figure)
        h.append("<h2>Test</h2>")
        h += testPlots.map(figure)
        h.append("<h2>Paired tests (McNemar)</h2>")
        h.append(pairsTable())
        h.append("<h2>Settings</h2>")
        for (i, run) in runs.enumerated() {
            h.append("<h3>\(swatch(i))\(escapeXML(run.label))</h3><table>")
            for s in run.settings {
                h.append("<tr><th class=\"l\">\(escapeXML(s.key))</th><td class=\"l\">\(escapeXML(s.value))</td></tr>")
            }
            h.append("</table>")
        }
        h.append("</body></html>")
        return h.joined(separator: "\n") + "\n"
    }

    func swatch(_ i: Int) -> String { "<span class=\"swatch\" style=\"background:\(Palette.color(i))\"></span>" }

    func figure(_ plot: (file: String, caption: String)) -> String {
        "<figure><img src=\"\(escapeXML(plot.file))\" alt=\"\(escapeXML(plot.caption))\"/>"
            + "<figcaption>\(escapeXML(plot.caption))</figcaption></figure>"
    }

    func interval(_ e: Estimate?, percent: Bool) -> String {
        guard let e, let v = e.value else { return "n/a" }
        func f(_ x: Double) -> String { percent ? NumberText.percent(x) : NumberText.fixed(x, 3) }
        guard let l = e.lower, let u = e.upper else { return f(v) }
        return "\(f(v)) <span class=\"note\">(\(f(l))–\(f(u)))</span>"
    }

    func resultsTable() -> String {
        // Settings that differ between the experiments (a sweep's values) get a column each.
        let varying = ResultsTable.varying(runs.map(\.settings))
        var rows = ["<table><tr><th class=\"l\">experiment</th><th class=\"l\">model</th>"
                    + varying.map { "<th class=\"l\">\(escapeXML($0))</th>" }.joined() + "<th>test accuracy</th>"
                    + "<th>sensitivity</th><th>specificity</th><th>AUC</th><th>kept checkpoint: val accuracy (epoch)</th>"
                    + "<th>training time (s)</th><th>peak memory (MB)</th><th>train images/s</th><th class=\"l\">tested checkpoint</th></tr>"]
        for (i, run) in runs.enumerated() {
            let m = run.evaluation?.metrics, b = m?.binary
            let kept = run.kept.map { "\(NumberText.percent($0.valAccuracy)) (\($0.epoch))" } ?? "n/a"
            let cells = [interval(m?.accuracy, percent: true), interval(b?.sensitivity, percent: true),
                         interval(b?.specificity, percent: true), interval(b?.auc, percent: false), kept,
                         run.facts.trainingSeconds.map { NumberText.fixed($0, 1) } ?? "n/a",
                         run.facts.peakMemoryMB.map { NumberText.fixed($0, 1) } ?? "n/a",
                         run.facts.trainImagesPerSecond.map { NumberText.fixed($0, 2) } ?? "n/a"]
            rows.append("<tr><td class=\"l\">\(swatch(i))\(escapeXML(run.label))</td>"
                        + "<td class=\"l\">\(escapeXML(run.configuration.model))</td>"
                        + varying.map { key in "<td class=\"l\">\(escapeXML(run.settings.first { $0.key == key }?.value ?? ""))</td>" }.joined()
                        + cells.map { "<td>\($0)</td>" }.joined()
                        + "<td class=\"l\">\(escapeXML(m?.checkpoint ?? "not tested"))</td></tr>")
        }
        return rows.joined(separator: "\n") + "</table>"
    }

    func pairsTable() -> String {
        guard !pairs.isEmpty else { return "<p class=\"note\">Only one experiment: nothing to compare.</p>" }
        var rows = ["<p class=\"note\">b = images only A classified correctly, c = only B. Exact binomial test when "
                    + "b + c &lt; \(McNemarTest.exactBelow), otherwise χ² with continuity correction. "
                    + "p-values are per pair, not adjusted for the number of pairs.</p>",
                    "<table><tr><th class=\"l\">A</th><th class=\"l\">B</th><th>b</th><th>c</th><th class=\"l\">method</th>"
                    + "<th>statistic</th><th>p-value</th><th class=\"l\">reading (5% level)</th></tr>"]
        for p in pairs {
            let t = p.test
            let method = t.map { $0.method == .exactBinomial ? "exact binomial" : "χ², continuity corrected" } ?? "—"
            rows.append("<tr><td class=\"l\">\(escapeXML(p.first))</td><td class=\"l\">\(escapeXML(p.second))</td>"
                        + "<td>\(t.map { "\($0.onlyFirstCorrect)" } ?? "—")</td><td>\(t.map { "\($0.onlySecondCorrect)" } ?? "—")</td>"
                        + "<td class=\"l\">\(method)</td><td>\(t.map { NumberText.fixed($0.statistic, 3) } ?? "—")</td>"
                        + "<td>\(t.map { PairedComparison.pText($0.pValue) } ?? "—")</td>"
                        + "<td class=\"l\">\(escapeXML(p.verdict))</td></tr>")
        }
        return rows.joined(separator: "\n") + "</table>"
    }
}
