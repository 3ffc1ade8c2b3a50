// The comparison directory and the test-stage directory, written into a temporary folder:
// every file parses, index.html links only files that exist, McNemar appears in the page.
import Foundation
import Testing
@testable import MonkReport

@Suite struct ReportFilesTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("monkreport-\(UUID().uuidString)")
    }

    @Test func indexReferencesOnlyFilesThatExist() throws {
        let runs = try RunFixtures.two()
        let report = ComparisonReport(name: "pneumonia", runs: runs)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try report.write(to: dir)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        let xml = try #require(XMLSummary.parse(html))
        let links = xml.elements.compactMap { $0.attributes["src"] ?? $0.attributes["href"] }
        #expect(links.count >= 10)
        for link in links {
            #expect(!link.contains(":") && !link.hasPrefix("/") && !link.contains(".."), "not a relative file: \(link)")
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(link).path), "missing \(link)")
        }
        // No scripts, no external style sheets: the page renders offline.
        #expect(xml.count("script") == 0 && xml.count("link") == 0)
        // Plots: accuracy, loss, roc, 4 bar charts, one confusion matrix per experiment.
        let svgs = links.filter { $0.hasSuffix(".svg") }
        #expect(Set(svgs) == ["accuracy.svg", "loss.svg", "roc.svg", "test_accuracy.svg", "best_val_accuracy.svg",
                              "training_time.svg", "peak_memory.svg", "confusion_1_Exp_A.svg", "confusion_2_Exp__B____co.svg"])
        for svg in svgs {
            let text = try String(contentsOf: dir.appendingPathComponent(svg), encoding: .utf8)
            #expect(XMLSummary.parse(text) != nil, "\(svg) is not well-formed")
        }
        // Settings are escaped text, in the given order.
        #expect(xml.texts.contains("a < b & \"c\"") && xml.texts.contains("Pneumonia/Exp <B> & co"))
        // McNemar A vs B: A is right on 6 images, B on all 9, so b = 0, c = 3 → exact,
        // p = 2·(1/2³) = 0.25.
        #expect(xml.texts.contains("exact binomial") && xml.texts.contains("0.2500"))
        #expect(xml.texts.contains("no significant difference (p = 0.2500)"))
    }

    @Test func accuracyPlotHasTrainAndValidationPerExperiment() throws {
        let report = ComparisonReport(name: "pneumonia", runs: try RunFixtures.two())
        let svg = try #require(report.files.first { $0.name == "accuracy.svg" }?.contents)
        let xml = try #require(XMLSummary.parse(svg))
        #expect(xml.attributes(of: "polyline").map { $0["data-series"] }
                == ["Exp_A train", "Exp_A val", "Exp <B> & co train", "Exp <B> & co val"])
        // A fixed colour per experiment: both of A's series share the first palette colour.
        #expect(xml.attributes(of: "polyline").map { $0["stroke"] } == ["#0072B2", "#0072B2", "#D55E00", "#D55E00"])
        // B has two epochs of history.
        #expect(xml.attributes(of: "polyline")[3]["points"]?.split(separator: " ").count == 2)
    }

    @Test func pairsAreMatchedByFileName() throws {
        var runs = try RunFixtures.two()
        // Reverse B's image order: the pairing must follow file names, not positions.
        let e = try #require(runs[1].evaluation)
        let reversed = try PredictionSet(classNames: e.predictions.classNames, samples: e.predictions.samples.reversed())
        runs[1].evaluation = try Evaluation(test: reversed, options: EvaluationOptions(checkpoint: "best"))
        let pair = try #require(PairedComparison.all(runs).first)
        #expect(pair.test?.onlyFirstCorrect == 0 && pair.test?.onlySecondCorrect == 3 && pair.test?.bothCorrect == 6)
        runs[1].evaluation = try Evaluation(test: Fixtures.binary(positives: [0.9], negatives: [0.1]),
                                            options: EvaluationOptions(checkpoint: "best"))
        #expect(PairedComparison.all(runs).first?.test == nil)
        #expect(PairedComparison.all(runs).first?.verdict == "not tested on the same images")
    }

    @Test func testStageFilesAreWrittenAndParse() throws {
        let e = try Evaluation(test: Fixtures.tied, options: EvaluationOptions(checkpoint: "best on validation (epoch 2)"))
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try e.writeReport(to: dir, experiment: "Exp_1")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["confusion_matrix.svg", "metrics.json", "predictions.csv", "roc.svg", "summary.txt"])
        let metrics = try TestMetrics.decode(Data(contentsOf: dir.appendingPathComponent("metrics.json")))
        #expect(metrics == e.metrics)
        for svg in ["confusion_matrix.svg", "roc.svg"] {
            #expect(XMLSummary.parse(try String(contentsOf: dir.appendingPathComponent(svg), encoding: .utf8)) != nil)
        }
    }

    @Test func textSummaryStatesTheNumbers() throws {
        let e = try Evaluation(test: Fixtures.tied, options: EvaluationOptions(
            bootstrap: BootstrapSettings(samples: 200, seed: 3), checkpoint: "best on validation (epoch 2)"))
        let text = e.metrics.textSummary()
        // 6/9 = 66.7% with the Wilson interval 35.4–87.9% (see CSVTests); 3/4 and 3/5.
        #expect(text.contains("Test metrics for checkpoint: best on validation (epoch 2)"))
        #expect(text.contains("Accuracy              66.7%  (95% CI 35.4%–87.9%, Wilson)"))
        #expect(text.contains("Sensitivity           75.0%") && text.contains("Specificity           60.0%"))
        #expect(text.contains("ROC AUC               0.8250  (95% CI ") && text.contains("seed 3)"))
        #expect(text.contains("Average precision     0.8167 (scikit-learn's definition)"))
        #expect(text.contains("PNEUMONIA     4       60.0%      75.0%    0.667"))
    }

    @Test func multiClassAndUntestedExperimentsStillMakeAValidPage() throws {
        var runs = try RunFixtures.two()
        let samples = [
            PredictedSample(file: "1", trueLabel: 0, probabilities: [0.7, 0.2, 0.1]),
            PredictedSample(file: "2", trueLabel: 2, probabilities: [0.1, 0.2, 0.7]),
        ]
        let set = try PredictionSet(classNames: ["cat", "dog", "bird"], samples: samples)
        runs[0].evaluation = try Evaluation(test: set, options: EvaluationOptions(checkpoint: "final"))
        runs[1].evaluation = nil
        let report = ComparisonReport(name: "animals", runs: runs)
        // No two-class experiment → no ROC plot; only the tested experiment has a confusion matrix.
        let names = report.files.map(\.name)
        #expect(!names.contains("roc.svg") && names.contains("confusion_1_Exp_A.svg") && names.count == 9)
        let html = try #require(report.files.last?.contents)
        let xml = try #require(XMLSummary.parse(html))
        let links = xml.elements.compactMap { $0.attributes["src"] ?? $0.attributes["href"] }
        #expect(Set(links).isSubset(of: Set(names)))
        #expect(xml.texts.contains("not tested"))
        // comparison.csv: the multi-class row has accuracy 2/2 and empty two-class cells.
        let row = ComparisonCSV.table(runs).rows[0]
        let cell = Dictionary(uniqueKeysWithValues: zip(ComparisonCSV.columns, row))
        #expect(cell["test_accuracy"] == "1.0000" && cell["sensitivity"] == "" && cell["auc"] == "")
        #expect(ComparisonCSV.table(runs).rows[1][ComparisonCSV.columns.firstIndex(of: "test_accuracy")!] == "")
    }
}
