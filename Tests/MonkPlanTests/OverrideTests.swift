// `--set KEY=VALUE` (issue 11 item 9): laid over the YAML tree before validation, so a value
// is typed and checked as in the file, errors name the option, a bare word warns like one in
// the file, and `data.limit` is a setting like any other.
import Testing
@testable import MonkPlan
import MonkVocabulary

@Suite struct OverrideTests {
    static let spec = """
        project: p
        seed: 5
        data:
          train: data/train
        defaults:
          epochs: 10
          optimizer: {type: sgd, lr: 0.01, weight_decay: 0.01}
        experiments:
          adam: {optimizer: {type: adam, lr: 0.003}}
          lr0.01: {}

        """

    static func plan(_ sets: [String], _ text: String = spec) throws -> Plan {
        try PlanLoader.plan(text: text, specDirectory: "/specs", file: "t.yaml", overrides: sets.map { try SpecOverride(parsing: $0) })
    }

    static func errors(_ sets: [String], _ text: String = spec) -> SpecErrors? {
        do { _ = try plan(sets, text); return nil } catch let e as SpecErrors { return e } catch { return nil }
    }

    @Test func valuesAreTypedAndMergedAsInTheFile() throws {
        let p = try Self.plan(["defaults.epochs=1", "experiments.adam.optimizer.lr=0.001"])
        #expect(p.experiments.map(\.epochs) == [1, 1])
        guard case .adam(let adam)? = p.experiment(named: "adam")?.optimizer else { Issue.record("not adam"); return }
        #expect(adam.lr == 0.001)
        // The rest stays as written: adam's own type replaces the defaults' sgd setting whole.
        #expect(adam.weightDecay == 0)
        #expect(p.warnings.count == 1 && p.warnings[0].hasPrefix("experiments.adam.optimizer: {type: adam, lr: 0.001} (line 9)"))
        #expect(p.experiment(named: "lr0.01")?.optimizer.learningRate == 0.01)
        #expect(p.overrides == ["--set defaults.epochs=1", "--set experiments.adam.optimizer.lr=0.001"])
        // A later option wins; a name holding dots is found whole; a mapping merges.
        let q = try Self.plan(["defaults.epochs=2", "defaults.epochs=3", "experiments.lr0.01.epochs=4",
                               "defaults.optimizer={momentum: 0.5}"])
        #expect(q.experiment(named: "adam")?.epochs == 3)
        #expect(q.experiment(named: "lr0.01")?.epochs == 4)
        guard case .sgd(let sgd)? = q.experiment(named: "lr0.01")?.optimizer else { Issue.record("not sgd"); return }
        #expect((sgd.momentum, sgd.lr, sgd.weightDecay) == (0.5, 0.01, 0.01))
        // Without options the plan is the file's.
        #expect(try Self.plan([]) == PlanLoader.plan(text: Self.spec, specDirectory: "/specs"))
    }

    @Test func sweepKeysHoldDots() throws {
        let p = try Self.plan(["sweep.optimizer.lr=[0.1, 0.02]"], minimal)
        #expect(p.experiments.map(\.name) == ["lr0.1", "lr0.02"])
        #expect(p.experiments.map(\.optimizer.learningRate) == [0.1, 0.02])
    }

    @Test func errorsNameTheOption() throws {
        let bad = try #require(Self.errors(["experiments.adam.optimizer.lr=abc"]))
        #expect(bad.errors.map(\.kind) == [.wrongType])
        #expect(bad.errors.first?.mark.option == "--set experiments.adam.optimizer.lr=abc")
        #expect(bad.render().hasPrefix("t.yaml: error: --set experiments.adam.optimizer.lr=abc: expected a number, found 'abc'\n"))

        let range = try #require(Self.errors(["defaults.epochs=0"]))
        #expect(range.render().hasPrefix("t.yaml: error: --set defaults.epochs=0: 0 is out of range; expected a whole number from 1 to 100000\n"))

        let key = try #require(Self.errors(["defaults.epoch=1"]))
        #expect(key.errors.first?.suggestion == "epochs")
        #expect(key.render().hasPrefix("t.yaml: error: --set defaults.epoch=1: unknown key 'epoch'"))

        let name = try #require(Self.errors(["experiments.adma.optimizer.lr=0.1"]))
        #expect(name.errors.first?.message == "no experiment is named 'adma' in the file; experiments: adam, lr0.01")
        #expect(name.errors.first?.suggestion == "adam")

        // Errors deeper than the option's key say where; several options, several errors.
        let deep = try #require(Self.errors(["defaults.optimizer={type: adam, nesterov: true}", "data.limit=1.5"]))
        #expect(deep.errors.count == 2)
        #expect(deep.render().contains("--set defaults.optimizer={type: adam, nesterov: true}: defaults.optimizer.nesterov: 'nesterov' is not a setting of adam"))
        #expect(deep.render().contains("--set data.limit=1.5: "))

        let yaml = try #require(Self.errors(["defaults.epochs=[1"]))
        #expect(yaml.errors.first?.kind == .syntax)
    }

    @Test func optionSyntax() throws {
        #expect(throws: SpecOverride.SyntaxError.self) { try SpecOverride(parsing: "defaults.epochs") }
        #expect(throws: SpecOverride.SyntaxError.self) { try SpecOverride(parsing: "=1") }
        #expect(throws: SpecOverride.SyntaxError.self) { try SpecOverride(parsing: "defaults..epochs=1") }
        #expect(throws: SpecOverride.SyntaxError.self) { try SpecOverride(parsing: "defaults.epochs=") }
        #expect(try SpecOverride(parsing: "a.b=c=d") == SpecOverride(key: "a.b", value: "c=d"))
    }

    /// A bare word given on the command line drops what the file wrote, as in the file.
    @Test func aBareWordOptionWarns() throws {
        let p = try Self.plan(["defaults.optimizer=adam"])
        #expect(p.warnings == [
            "--set defaults.optimizer=adam replaces the whole optimizer setting, so `lr: 0.01` (line 7) and `weight_decay: 0.01` (line 7) written at defaults.optimizer are not used; write them beside `type: adam` if they are meant for adam too",
        ])
    }

    @Test func dataLimitIsACountOrAFraction() throws {
        #expect(try Self.plan(["data.limit=200"]).data.limit == DataLimit(amount: .images(200), seed: 5))
        #expect(try Self.plan(["data.limit=0.1"]).data.limit == DataLimit(amount: .fraction(0.1), seed: 5))
        #expect(try Self.plan([]).data.limit == nil)
        #expect(try Self.plan([], minimal + "  limit: 0.5\n").data.limit == DataLimit(amount: .fraction(0.5), seed: 0))
        for bad in ["0", "1.0", "-3", "all"] {
            #expect(Self.errors(["data.limit=\(bad)"]) != nil, "data.limit=\(bad)")
        }
    }
}
