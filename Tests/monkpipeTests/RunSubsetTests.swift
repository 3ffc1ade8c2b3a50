// `run`/`plan` with --experiment and --stage through the binary: what a cluster job runs —
// the load stage, one experiment per task, then the comparison — and the usage errors.
import Foundation
import Testing

@Suite("monkpipe binary: run and plan a part of a pipeline")
struct RunSubsetTests {
    /// The stage lines `plan` prints, by identity.
    static func planLines(_ r: CommandResult) -> [String: String] {
        var out: [String: String] = [:]
        for line in r.stdout.split(separator: "\n") where ["load", "train/", "test/", "compare/"].contains(where: { line.hasPrefix($0) }) {
            let id = String(line.prefix { $0 != " " })
            out[id] = line.dropFirst(id.count).trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    @Test func loadThenEachExperimentThenTheComparison() throws {
        let p = try TinyProject("subset", epochs: 1)
        defer { p.cleanUp() }

        // plan shows only what the part would run.
        let planOne = try monkpipe(["plan", p.spec, "--experiment", "sgd"], in: p.url)
        #expect(planOne.status == 0, "\(planOne)")
        #expect(Self.planLines(planOne).keys.sorted() == ["load", "test/sgd", "train/sgd"], "\(planOne)")

        // The comparison before its experiments: exit 1 and the reason.
        let tooEarly = try monkpipe(["run", p.spec, "--stage", "compare"], in: p.url)
        #expect(tooEarly.status == 1, "\(tooEarly)")
        #expect(tooEarly.stderr.contains("needs test/adam, test/sgd, which have not completed"), "\(tooEarly)")

        let load = try monkpipe(["run", p.spec, "--stage", "load", "--json"], in: p.url)
        #expect(load.status == 0, "\(load)")
        #expect((try parseJSON(load.stdout) as? [[String: String]])?.compactMap { $0["stage"] } == ["load"], "\(load)")
        for name in ["sgd", "adam"] {
            let r = try monkpipe(["run", p.spec, "--experiment", name, "--json"], in: p.url)
            #expect(r.status == 0, "\(r)")
            // Each entry: stage and outcome; a test stage's also carries its metrics (an object).
            let stages = try #require(try parseJSON(r.stdout) as? [[String: Any]], "\(r)")
            #expect(stages.map { $0["stage"] as? String ?? "" } == ["load", "train/\(name)", "test/\(name)"], "\(stages)")
            #expect(stages.first?["outcome"] as? String == "cached", "\(stages)")
            #expect((stages.last?["metrics"] as? [String: Any])?["accuracy"] != nil, "\(stages)")
            #expect(!p.exists("workspace/comparison/cmp/comparison.csv"))
        }
        let compare = try monkpipe(["run", p.spec, "--stage", "compare"], in: p.url)
        #expect(compare.status == 0, "\(compare)")
        #expect(p.exists("workspace/comparison/cmp/index.html"))
        let comparison = try String(contentsOf: p.dir.path("workspace/comparison/cmp/comparison.csv"), encoding: .utf8)
        #expect(comparison.split(separator: "\n").count == 3, "header + two experiments:\n\(comparison)")

        // The whole pipeline has nothing left to do.
        let plan = try monkpipe(["plan", p.spec], in: p.url)
        #expect(plan.status == 0, "\(plan)")
        let lines = Self.planLines(plan)
        #expect(lines.count == 6 && lines.values.allSatisfy { $0 == "cached" }, "\(plan)")
    }

    @Test func unknownNamesExit64WithTheNearestName() throws {
        let p = try TinyProject("subset-usage", epochs: 1)
        defer { p.cleanUp() }
        for command in ["run", "plan"] {
            let r = try monkpipe([command, p.spec, "--experiment", "sgdd"], in: p.url)
            #expect(r.status == 64, "\(r)")
            #expect(r.stderr.contains("no experiment named 'sgdd'; did you mean 'sgd'?"), "\(r)")
            let kind = try monkpipe([command, p.spec, "--stage", "compar"], in: p.url)
            #expect(kind.status == 64, "\(kind)")
            #expect(kind.stderr.contains("no stage kind named 'compar'; did you mean 'compare'? (valid: load, train, test, compare)"), "\(kind)")
        }
        // Nothing ran.
        #expect(!p.exists("workspace/.cache/stages"))
    }
}
