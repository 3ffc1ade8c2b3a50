// CSV quoting, predictions.csv and comparison.csv: exact text for known inputs.
import Testing
@testable import MonkReport

@Suite struct CSVTests {
    @Test func quotesOnlyWhatNeedsIt() {
        let t = CSVTable(header: ["a", "b"], rows: [["x,y", "say \"hi\""], ["line\nbreak", " padded"], ["plain", ""]])
        #expect(t.render() == "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"line\nbreak\",\" padded\"\nplain,\n")
    }

    /// What `render` writes reads back as the same table (quoted commas, quotes, line breaks,
    /// empty cells); a quote left open or a row of another width is not a table.
    @Test func parsingReadsBackWhatRenderWrites() {
        let t = CSVTable(header: ["a", "b"], rows: [["x,y", "say \"hi\""], ["line\nbreak", " padded"], ["plain", ""], ["=1+1", "-0.5"]])
        #expect(CSVTable(parsing: t.render()) == CSVTable(header: t.header, rows: t.rows.dropLast() + [["'=1+1", "-0.5"]]))
        #expect(CSVTable(parsing: "a,b\r\n1,2\r\n") == CSVTable(header: ["a", "b"], rows: [["1", "2"]]))
        #expect(CSVTable(parsing: "a,b\n\"1,2\n") == nil)
        #expect(CSVTable(parsing: "a,b\n1,2,3\n") == nil)
    }

    /// comparison.csv says whose experiments it compares (the workspace shares its folders).
    @Test func comparisonCSVNamesItsProjects() throws {
        #expect(ComparisonCSV.projects(in: ComparisonCSV.table(try RunFixtures.two()).render()) == ["Pneumonia"])
        #expect(ComparisonCSV.projects(in: "experiment,model\nsgd,tiny_cnn\n") == nil)
    }

    /// Issue 13, item 14: file and class names that a spreadsheet would run as formulas get a
    /// leading apostrophe inside quotes; numbers, including negative ones, do not.
    @Test func formulaCellsAreDefused() {
        let t = CSVTable(header: ["file", "x"], rows: [
            ["=HYPERLINK(\"http://e.x\",\"a\").jpeg", "-0.5"], ["+1.jpeg", "1e-05"], ["-cmd.jpeg", "@sum"], ["\tx.jpeg", "-inf"],
        ])
        #expect(t.render() == "file,x\n"
            + "\"'=HYPERLINK(\"\"http://e.x\"\",\"\"a\"\").jpeg\",-0.5\n"
            + "\"'+1.jpeg\",1e-05\n"
            + "\"'-cmd.jpeg\",\"'@sum\"\n"
            + "\"'\tx.jpeg\",-inf\n")
    }

    @Test func predictionsCSVForKnownInput() throws {
        let set = try PredictionSet(classNames: ["NORMAL", "PNEUMONIA"], samples: [
            PredictedSample(file: "test/NORMAL/a,1.jpeg", trueLabel: 0, probabilities: [0.25, 0.75]),
            PredictedSample(file: "b.jpeg", trueLabel: 1, probabilities: [0.1, 0.9]),
        ])
        let e = try Evaluation(test: set, options: EvaluationOptions(checkpoint: "best"))
        // 0.75 ≥ 0.5 → PNEUMONIA (wrong for a NORMAL image); 0.9 → PNEUMONIA (right).
        #expect(e.predictionsCSV().render() == """
            file,true_class,predicted_class,correct,probability_NORMAL,probability_PNEUMONIA
            "test/NORMAL/a,1.jpeg",NORMAL,PNEUMONIA,false,0.250000,0.750000
            b.jpeg,PNEUMONIA,PNEUMONIA,true,0.100000,0.900000

            """)
    }

    @Test func comparisonCSVColumnsAndValues() throws {
        let runs = try RunFixtures.two()
        let lines = ComparisonCSV.table(runs).render().split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "project,experiment,model,pretrained,frozen_layers,epochs,optimizer,learning_rate,lr_schedule,"
                + "loss,batch_size,input_size_px,kept_checkpoint_val_accuracy,kept_checkpoint_epoch,test_accuracy,"
                + "test_accuracy_ci95_lower,test_accuracy_ci95_upper,positive_class,decision_threshold,sensitivity,"
                + "sensitivity_ci95_lower,sensitivity_ci95_upper,specificity,specificity_ci95_lower,specificity_ci95_upper,"
                + "auc,auc_ci95_lower,auc_ci95_upper,training_time_s,peak_memory_mb,train_images_per_s,train_images,"
                + "val_images,test_images,test_checkpoint")
        let a = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let column = Dictionary(uniqueKeysWithValues: zip(ComparisonCSV.columns, a))
        #expect(a.count == ComparisonCSV.columns.count)
        // Experiment A = the tied set at threshold 0.5 (see ClassificationMetricsTests): accuracy 6/9,
        // sensitivity 3/4, specificity 3/5, AUC 16.5/20. Wilson 95% for 6/9: centre
        // (0.6667 + 3.8415/18)/(1 + 3.8415/9) = 0.6169, half-width 1.96/1.4268·√(0.02469 + 0.01186) = 0.2626
        // → 0.3542–0.8794.
        #expect(column["experiment"] == "Exp_A" && column["model"] == "resnet18_v1" && column["pretrained"] == "true")
        #expect(column["frozen_layers"] == "backbone" && column["learning_rate"] == "0.01")
        #expect(column["lr_schedule"] == "step ×0.98 per epoch" && column["input_size_px"] == "224")
        // The kept checkpoint: epoch 2, the lowest validation loss (0.45), at validation accuracy 0.8.
        #expect(column["kept_checkpoint_val_accuracy"] == "0.8000" && column["kept_checkpoint_epoch"] == "2")
        #expect(column["test_accuracy"] == "0.6667")
        #expect(column["test_accuracy_ci95_lower"] == "0.3542" && column["test_accuracy_ci95_upper"] == "0.8794")
        #expect(column["positive_class"] == "PNEUMONIA" && column["decision_threshold"] == "0.5000")
        #expect(column["sensitivity"] == "0.7500" && column["specificity"] == "0.6000" && column["auc"] == "0.8250")
        #expect(column["training_time_s"] == "12.5" && column["peak_memory_mb"] == "812.4")
        #expect(column["train_images_per_s"] == "40.00" && column["train_images"] == "3651")
        #expect(column["val_images"] == "1565" && column["test_images"] == "9")
        #expect(column["test_checkpoint"] == "best on validation")
        // The second name has no comma, so it is written unquoted. B is right on all 9 images:
        // Wilson 9/9 lower = (1 + 3.8415/18 − 1.96·√(3.8415/324))/(1 + 3.8415/9) = 0.7009.
        #expect(lines[2].hasPrefix("Pneumonia,Exp <B> & co,resnet18_v1,"))
        #expect(lines[2].contains(",1.0000,0.7009,1.0000,PNEUMONIA,"))
    }
}
