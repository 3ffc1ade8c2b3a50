// The experiments' results as one table (`monkpipe show`): test accuracy, sensitivity,
// specificity and AUC with their 95% intervals, the kept checkpoint's epoch and validation accuracy,
// training time and memory, with the settings that differ between experiments as columns and the
// experiment validation prefers marked.
import Foundation

public struct ResultsTable: Sendable, Equatable {
    /// One experiment as the table gets it: its settings, and its run once it has trained.
    public struct Entry: Sendable, Equatable {
        public var experiment: String
        /// "tested", "trained", "not run", … (the experiment's state).
        public var status: String
        public var settings: [Setting]
        public var run: ExperimentRun?
        /// Whether the run's test results are of other settings than the spec's now (a test
        /// setting changed since they were made): its status then says so.
        public var testOfOtherSettings: Bool
        /// Whether the run's training (its kept checkpoint, time and memory) is of other
        /// settings than the spec's now (a training setting changed since it trained): its
        /// status says so too, and its test results are then of other settings as well.
        public var trainingOfOtherSettings: Bool
        /// Whether the experiment's experiment-state.json is not there (deleted) while its
        /// stages are cached: `run` is what a run writes again from their outputs.
        public var stateMissing: Bool
        /// Whether the experiment has a kept checkpoint that the table cannot know: its
        /// experiment-state.json does not read, or its training is damaged (`run` is nil). It
        /// might validate highest, so no row is marked in its place.
        public var keptUnknown: Bool

        public init(experiment: String, status: String, settings: [Setting], run: ExperimentRun?,
                    testOfOtherSettings: Bool = false, trainingOfOtherSettings: Bool = false, stateMissing: Bool = false,
                    keptUnknown: Bool = false) {
            self.experiment = experiment
            self.status = status + (testOfOtherSettings || trainingOfOtherSettings ? ", settings changed since" : "")
            self.settings = settings
            self.run = run
            self.testOfOtherSettings = testOfOtherSettings
            self.trainingOfOtherSettings = trainingOfOtherSettings
            self.stateMissing = stateMissing
            self.keptUnknown = keptUnknown
        }
    }

    /// One experiment's line; a value is `nil` where it was not measured (not trained, not tested).
    public struct Row: Sendable, Equatable, Codable {
        public var experiment: String
        public var status: String
        /// The experiment's value of each setting in `ResultsTable.varying`.
        public var settings: [String: String]
        public var testImages: Int?
        public var accuracy: Estimate?
        public var sensitivity: Estimate?
        public var specificity: Estimate?
        public var auc: Estimate?
        public var decisionThreshold: Double?
        /// The kept checkpoint (`ExperimentRun.kept`): its epoch and validation accuracy.
        public var keptEpoch: Int?
        public var keptValAccuracy: Double?
        public var trainingSeconds: Double?
        public var peakMemoryMb: Double?
        /// The test results are of other settings than the spec's now: `--json` gives them,
        /// the text table does not, and the experiment is never `best` (nor is another in its
        /// place, where its kept checkpoint validates highest).
        public var testOfOtherSettings: Bool
        /// The kept checkpoint, training time and memory are of another training than the
        /// spec's now: `--json` gives them, the text table does not, and the experiment is never
        /// `best` nor keeps another from it (its kept checkpoint is not one this spec keeps).
        public var trainingOfOtherSettings: Bool
        /// The experiment-state.json is not there (deleted): the numbers are read from the
        /// cached stages' outputs, as a run writes them again. Nil otherwise.
        public var stateMissing: Bool?
        /// The highest validation accuracy of a kept checkpoint in the table: the choice made
        /// without the test set, among the models the experiments keep.
        public var best: Bool
    }

    /// Settings whose value differs between the experiments (swept or written per experiment), in spec order.
    public var varying: [String]
    public var rows: [Row]
    /// Experiments whose kept checkpoint is not known (`Entry.keptUnknown`, or a deleted state
    /// whose saved training could not be read back) while another row would have been marked:
    /// the legend says why no row is.
    public var markWithheldFor: [String]

    public init(_ entries: [Entry]) {
        let varying = Self.varying(entries.map(\.settings))
        self.varying = varying
        // An experiment whose test results are of other settings is never marked, but where its
        // kept checkpoint validates highest no other is marked in its place as the choice.
        // A kept checkpoint of another training is not one this spec keeps: it is not compared.
        let highestKept = entries.filter { !$0.trainingOfOtherSettings }.compactMap { $0.run?.kept?.valAccuracy }.max()
        // A kept checkpoint the table cannot know (an unreadable state, a damaged training, a
        // deleted state whose saved training could not be read back) may be the highest: no
        // row is marked while one is unknown.
        let unknown = entries.filter { $0.keptUnknown || ($0.stateMissing && $0.run?.kept == nil) }.map(\.experiment)
        let keptUnknown = !unknown.isEmpty
        markWithheldFor = keptUnknown && entries.count > 1
            && entries.contains { !$0.testOfOtherSettings && !$0.trainingOfOtherSettings && $0.run?.kept?.valAccuracy == highestKept && highestKept != nil }
            ? unknown : []
        rows = entries.map { entry in
            let run = entry.run, m = run?.evaluation?.metrics, b = m?.binary
            var settings: [String: String] = [:]
            for s in entry.settings where varying.contains(s.key) { settings[s.key] = s.value }
            let kept = run?.kept
            return Row(experiment: entry.experiment, status: entry.status, settings: settings, testImages: m?.images,
                       accuracy: m?.accuracy, sensitivity: b?.sensitivity, specificity: b?.specificity, auc: b?.auc,
                       decisionThreshold: b?.threshold.value, keptEpoch: kept?.epoch,
                       keptValAccuracy: kept?.valAccuracy, trainingSeconds: run?.facts.trainingSeconds,
                       peakMemoryMb: run?.facts.peakMemoryMB, testOfOtherSettings: entry.testOfOtherSettings,
                       trainingOfOtherSettings: entry.trainingOfOtherSettings, stateMissing: entry.stateMissing ? true : nil,
                       best: !entry.testOfOtherSettings && !entry.trainingOfOtherSettings && kept != nil
                           && kept?.valAccuracy == highestKept && entries.count > 1 && !keptUnknown)
        }
    }

    /// Keys whose values are not the same in every list (a key missing from a list counts as a value).
    public static func varying(_ lists: [[Setting]]) -> [String] {
        var order: [String] = []
        for list in lists { for s in list where !order.contains(s.key) { order.append(s.key) } }
        return order.filter { key in Set(lists.map { list in list.first { $0.key == key }?.value ?? "" }).count > 1 }
    }

    /// `--json`: the varying settings and one object per experiment; snake_case keys, `null` where undefined.
    public func jsonData() throws -> Data {
        struct Document: Encodable { var varyingSettings: [String]; var experiments: [Row] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(Document(varyingSettings: varying, experiments: rows))
    }

    /// Aligned text for the terminal, with a legend under the table.
    public func text() -> String {
        func interval(_ e: Estimate?, percent: Bool) -> String {
            guard let e, let v = e.value else { return "—" }
            func f(_ x: Double) -> String { percent ? NumberText.percent(x) : NumberText.fixed(x, 3) }
            guard let l = e.lower, let u = e.upper else { return f(v) }
            return "\(f(v)) (\(f(l))–\(f(u)))"
        }
        let header = ["", "experiment"] + varying + ["test accuracy", "sensitivity", "specificity", "AUC",
                                                     "kept checkpoint", "training time", "peak memory"]
        var table = [header]
        for r in rows {
            // Test results of other settings are withheld: the status says why.
            let tested = r.accuracy != nil && !r.testOfOtherSettings
            let mark: [String] = [r.best ? "*" : "", r.experiment]
            let settings: [String] = varying.map { r.settings[$0] ?? "" }
            let accuracy: String = tested ? interval(r.accuracy, percent: true) : r.status
            let rates: [String] = tested ? [interval(r.sensitivity, percent: true), interval(r.specificity, percent: true),
                                            interval(r.auc, percent: false)] : ["—", "—", "—"]
            // So is a training of other settings: the status says why.
            let trained = !r.trainingOfOtherSettings
            var epoch = "—"
            if trained, let e = r.keptEpoch { epoch = "epoch \(e), val \(NumberText.percent(r.keptValAccuracy))" }
            let time: String = trained ? r.trainingSeconds.map(Self.duration) ?? "—" : "—"
            var memory = "—"
            if trained, let m = r.peakMemoryMb { memory = "\(Int(m.rounded())) MB" }
            table.append(mark + settings + [accuracy] + rates + [epoch, time, memory])
        }
        let widths = header.indices.map { c in table.map { $0[c].count }.max() ?? 0 }
        var lines = table.map { row in
            row.indices.map { c in row[c].padding(toLength: widths[c], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        lines.append("")
        if rows.contains(where: { $0.keptEpoch != nil && !$0.trainingOfOtherSettings }) {
            lines.append("kept checkpoint: the weights test, infer and export use (test_checkpoint), with its validation accuracy")
        }
        if rows.contains(where: \.best) {
            lines.append("* the highest validation accuracy of a kept checkpoint (the choice made without looking at the test set)")
        }
        if rows.contains(where: \.trainingOfOtherSettings) {
            lines.append("settings changed since: the training on disk (kept checkpoint, training time, peak memory) and any test results are"
                         + " of other settings than the file's now: not shown and not marked * (show --json gives them, with"
                         + " training_of_other_settings and test_of_other_settings); run the pipeline to train and test with these settings")
        } else if rows.contains(where: \.testOfOtherSettings) {
            lines.append("settings changed since: the test results on disk are of other settings than the file's now: not shown and"
                         + " not marked * (show --json gives them, with test_of_other_settings); run the pipeline to test with these settings")
        }
        if !markWithheldFor.isEmpty {
            lines.append("no row is marked *: the kept checkpoint of " + markWithheldFor.joined(separator: ", ")
                         + " is not known (see its status) and might validate highest")
        }
        let missing = rows.filter { $0.stateMissing == true }.map(\.experiment)
        if !missing.isEmpty {
            lines.append("experiment-state.json missing (" + missing.joined(separator: ", ") + "): the numbers are read from the cached"
                         + " stages' outputs, as a run writes them again; run the pipeline to write it")
        }
        lines.append("Intervals are 95%: Wilson for proportions, percentile bootstrap for the AUC.")
        return lines.joined(separator: "\n") + "\n"
    }

    /// "42.1 s", "8 min 27 s", "1 h 03 min".
    static func duration(_ seconds: Double) -> String {
        if seconds < 60 { return NumberText.fixed(seconds, 1) + " s" }
        let s = Int(seconds.rounded())
        if s < 3600 { return "\(s / 60) min \(String(format: "%02d", s % 60)) s" }
        return "\(s / 3600) h \(String(format: "%02d", s % 3600 / 60)) min"
    }
}
