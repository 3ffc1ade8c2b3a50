// The runner's smaller entry points: the data check alone, and the comparison alone.
import Foundation
import MonkData
import MonkModels

extension PipelineRunner {
    /// Runs the load stage's checks (scan, split, duplicates) and returns the report. The
    /// pixel cache is filled on the way, so a later `run` does not decode again; bad images
    /// are reported, not fatal, whatever `on_bad_image` says.
    public func checkData() throws -> DataCheckReport {
        let prepared = try DataPreparation.prepare(LoadStage.input(plan, policy: .skip), cache: pixels,
                                                   manifestURL: nil, threads: cores.threads(plan.data.workers))
        return prepared.report
    }

    /// Rebuilds the comparison from the experiments' stored results (their test stages must
    /// have run). Returns where the report is.
    public func compareOnly() throws -> ComparisonPaths {
        for name in plan.comparison.experiments {
            guard FileManager.default.fileExists(atPath: layout.experiment(name).historyJSON.path) else {
                throw PipelineError.missingUpstream(stage: "compare", needs: "train/\(name) (run the pipeline first)")
            }
        }
        try RunLock.holding(layout.comparison.lock, console: console) {
            _ = try CompareStage.run(plan: plan, layout: layout)
        }
        return layout.comparison
    }
}

extension Benchmark {
    /// Benchmarks a network of the zoo by name, with a 2-class head.
    public static func run(model arch: Architecture, settings: BenchSettings, pacer: BenchPacer? = nil,
                           progress: (String) -> Void = { _ in }) throws -> [BenchMeasurement] {
        var rng = RNG(seed: 0)
        let net = arch.build(numClasses: 2, rng: &rng)
        return try run(net, name: arch.rawValue, settings: settings, pacer: pacer, progress: progress)
    }
}
import MonkEngine

/// `monkpipe bench --data FOLDER`: decode + resize throughput of a folder of JPEGs.
public enum DataPathBenchmark {
    public static func run(folder: URL, side: Int, threads: Int) throws -> DataBenchmarkResult {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            throw PipelineError.invalid("\(folder.path) is not a folder of JPEG files")
        }
        return try DataBenchmark.run(folder: folder, side: side, threads: threads)
    }
}
