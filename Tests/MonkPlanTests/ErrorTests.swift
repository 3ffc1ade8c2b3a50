// Each kind of spec error, with the line:column, key path and suggestion a person needs.
// Line numbers count from 1 in the texts below: `minimal` is lines 1–3.
import Testing
@testable import MonkPlan
import MonkVocabulary

@Suite struct ErrorTests {
    /// The single error of planning `text`.
    func onlyError(_ text: String) throws -> SpecError {
        let errors = planErrors(text)
        try #require(errors.count == 1, "expected one error, got \(errors)")
        return errors[0]
    }

    @Test func misspeltKeyNamesTheNearestKey() throws {
        let e = try onlyError(minimal + "defaults:\n  optimiser: adam\n")
        #expect(e.kind == .unknownKey)
        #expect(e.mark == SourceMark(line: 5, column: 3))
        #expect(e.keyPath == "defaults.optimiser")
        #expect(e.suggestion == "optimizer")
    }

    @Test func misspeltModelNamesTheNearestModel() throws {
        let e = try onlyError(minimal + "defaults:\n  model: resnet50v2\n")
        #expect(e.kind == .invalidValue)
        #expect(e.mark == SourceMark(line: 5, column: 10))
        #expect(e.keyPath == "defaults.model")
        #expect(e.suggestion == "resnet50_v2")
    }

    @Test func wordWhereANumberBelongsIsAWrongType() throws {
        let e = try onlyError(minimal + "defaults:\n  epochs: ten\n")
        #expect(e.kind == .wrongType)
        #expect(e.mark == SourceMark(line: 5, column: 11))
        #expect(e.message.contains("whole number"))
        // Quoted scalars are strings, never numbers.
        #expect(try onlyError(minimal + "defaults:\n  epochs: \"5\"\n").kind == .wrongType)
    }

    @Test func numberOutsideItsRange() throws {
        let e = try onlyError(minimal + "defaults:\n  optimizer: {type: sgd, momentum: 1.5}\n")
        #expect(e.kind == .outOfRange)
        #expect(e.mark == SourceMark(line: 5, column: 36))
        #expect(e.keyPath == "defaults.optimizer.momentum")
    }

    @Test func duplicateKeyPointsAtTheSecondAndNamesTheFirst() throws {
        let e = try onlyError(minimal + "defaults:\n  epochs: 3\n  epochs: 4\n")
        #expect(e.kind == .duplicateKey)
        #expect(e.mark == SourceMark(line: 6, column: 3))
        #expect(e.message.contains("first at line 5"))
    }

    @Test func missingRequiredKey() throws {
        let e = try onlyError("project: p\n")
        #expect(e.kind == .missingKey)
        #expect(e.mark == SourceMark(line: 1, column: 1))
        #expect(e.message.contains("'data'"))
    }

    @Test func settingOfAnotherOptimizer() throws {
        let e = try onlyError(minimal + "defaults:\n  optimizer: {type: sgd, betas: [0.9, 0.99]}\n")
        #expect(e.kind == .unknownKey)
        #expect(e.mark == SourceMark(line: 5, column: 26))
        #expect(e.message.contains("not a setting of sgd"))
    }

    @Test func settingOfTheInheritedOptimizerIsCheckedAfterMerging() throws {
        // `type: sgd` comes from defaults; the experiment's `betas` is wrong only once merged.
        let text = minimal + "defaults:\n  optimizer: {type: sgd}\nexperiments:\n  a:\n    optimizer: {betas: [0.9, 0.99]}\n"
        let e = try onlyError(text)
        #expect(e.kind == .unknownKey)
        #expect(e.mark == SourceMark(line: 8, column: 17))
        #expect(e.keyPath == "experiments.a.optimizer.betas")
    }

    @Test func misspeltWordInsideAChoice() throws {
        let e = try onlyError(minimal + "defaults:\n  evaluation: {threshold: youdn}\n")
        #expect(e.kind == .invalidValue)
        #expect(e.suggestion == "youden")
        #expect(e.mark == SourceMark(line: 5, column: 27))
    }

    @Test func transformErrors() throws {
        let misspelt = try onlyError(minimal.replacingOccurrences(of: "train: data/train", with: "train: t\n  train_transforms:\n    - resize\n    - horizntal_flip"))
        #expect(misspelt.kind == .invalidValue)
        #expect(misspelt.suggestion == "horizontal_flip")
        #expect(misspelt.mark == SourceMark(line: 6, column: 7))
        let bare = try onlyError(minimal + "  train_transforms: [resize, random_rotation]\n")
        #expect(bare.kind == .missingKey)
        let size = try onlyError(minimal + "  input_size: 64\n  eval_transforms: [{resize: 72}, {center_crop: 60}]\n")
        #expect(size.kind == .conflict)
        #expect(size.message.contains("60×60") && size.message.contains("input_size is 64"))
    }

    /// `unfreeze_after_epochs` needs something frozen, and an epoch left to train unfrozen;
    /// the error points at the setting and names the experiment (it may come from defaults).
    @Test func unfreezingNeedsFreezingAndAnEpochLeft() throws {
        let nothingFrozen = try onlyError(minimal + "defaults:\n  epochs: 3\n  unfreeze_after_epochs: 1\n")
        #expect(nothingFrozen.kind == .conflict)
        #expect(nothingFrozen.mark.line == 6)
        #expect(nothingFrozen.message.contains("freeze_base_network: true or freeze_layers"))
        let tooLate = try onlyError(minimal + "defaults:\n  epochs: 3\n  freeze_base_network: true\n  unfreeze_after_epochs: 3\n")
        #expect(tooLate.kind == .conflict)
        #expect(tooLate.keyPath == "defaults.unfreeze_after_epochs")
        #expect(tooLate.message.contains("must be fewer than epochs (3)"))
        #expect(try onlyError(minimal + "defaults:\n  freeze_layers: 2\n  unfreeze_after_epochs: 0\n").kind == .outOfRange)
        let plan = try PlanLoader.plan(text: minimal + "defaults:\n  epochs: 3\n  freeze_layers: 2\n  unfreeze_after_epochs: 2\n", specDirectory: "/s")
        #expect(plan.experiments[0].unfreezeAfterEpochs == 2)
        #expect(plan.experiments[0].frozenSpan == "for 2 epochs")
    }

    @Test func unknownExperimentInComparison() throws {
        let e = try onlyError(minimal + "experiments: {alpha: {}, beta: {}}\ncomparison: {experiments: [alpha, betta]}\n")
        #expect(e.kind == .invalidValue)
        #expect(e.suggestion == "beta")
        #expect(e.mark == SourceMark(line: 5, column: 35))
    }

    @Test func modelWithoutPublishedWeights() throws {
        let e = try onlyError(minimal + "defaults: {model: tiny_cnn, pretrained: true}\n")
        #expect(e.kind == .conflict)
        #expect(e.mark == SourceMark(line: 4, column: 41))
    }

    /// The model catalogue decides: `pretrained: true` written once in the defaults is an
    /// error, at that line, for each experiment whose model has no published source (tiny_cnn
    /// is the only one since Gluon's files are catalogued), and not for the others.
    @Test func pretrainedTrueWithoutACataloguedSourceIsAnErrorWhereWritten() throws {
        #expect(!Architecture.tiny_cnn.hasPretrainedSource)
        #expect(Architecture.allCases.filter { !$0.hasPretrainedSource } == [.tiny_cnn])
        let errors = planErrors(minimal + """
            defaults:
              pretrained: true
            experiments:
              a: {model: tiny_cnn}
              b: {model: densenet121}
              c: {model: resnet50_v2}
              d: {model: tiny_cnn, seed: 3}

            """)
        #expect(errors.map(\.mark) == [SourceMark(line: 5, column: 15), SourceMark(line: 5, column: 15)])
        #expect(errors.map(\.kind) == [.conflict, .conflict])
        #expect(errors.allSatisfy { $0.keyPath == "defaults.pretrained" })
        #expect(errors.map(\.message).sorted() == [
            "experiment 'a': tiny_cnn has no published pretrained weights in monkpipe's model catalogue (`monkpipe models`); set pretrained: false, or pretrained: <weights file>",
            "experiment 'd': tiny_cnn has no published pretrained weights in monkpipe's model catalogue (`monkpipe models`); set pretrained: false, or pretrained: <weights file>",
        ])
    }

    /// Left out, `pretrained` is true for a model meant to be fine-tuned (resnet50_v2 then
    /// takes Gluon's file); tiny_cnn's default is false, so it plans without weights.
    @Test func pretrainedLeftOutFollowsTheModel() throws {
        #expect(plan(minimal + "experiments:\n  a: {model: resnet50_v2}\n")?.experiments.first?.pretrained == .imagenet)
        #expect(plan(minimal + "defaults: {model: tiny_cnn}\n")?.experiments.first?.pretrained == Pretrained.none)
        #expect(plan(minimal + "defaults: {model: resnet50_v2, pretrained: false}\n") != nil)
        #expect(plan(minimal + "defaults: {model: resnet50_v2, pretrained: w.pth}\n") != nil)
    }

    @Test func missingFileIsNamed() {
        do {
            _ = try PlanLoader.load(path: "/nonexistent/spec.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.errors.map(\.kind) == [.unreadable])
            #expect(error.render() == "/nonexistent/spec.yaml: error: cannot read /nonexistent/spec.yaml: folder /nonexistent does not exist\n1 error in /nonexistent/spec.yaml\n")
        }
    }

    @Test func syntaxErrorHasItsPosition() throws {
        let e = try onlyError("project: p\ndata:\n  train: [a, b\n  test: x\n")
        #expect(e.kind == .syntax)
        #expect(e.mark.line >= 3)
    }

    @Test func everyErrorIsReportedAtOnceInFileOrder() {
        let text = minimal + "defaults:\n  epochs: -1\n  modle: resnet18\n  optimizer: {type: sgdd}\nseeed: 3\n"
        let errors = planErrors(text)
        #expect(errors.map(\.kind) == [.outOfRange, .unknownKey, .invalidValue, .unknownKey])
        #expect(errors.map(\.mark.line) == [5, 6, 7, 8])
        #expect(errors.map(\.suggestion) == [nil, "model", "sgd", "seed"])
    }

    @Test func renderingQuotesTheLineAndPointsAtTheColumn() {
        do {
            _ = try PlanLoader.plan(text: minimal + "defaults:\n  optimiser: adam\n", specDirectory: "/s", file: "p.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.render() == """
                p.yaml:5:3: error: defaults.optimiser: unknown key 'optimiser'; expected one of: model, pretrained, \
                freeze_base_network, freeze_layers, unfreeze_after_epochs, epochs, optimizer, lr_schedule, loss, early_stopping, test_checkpoint, \
                best_metric, evaluation, seed
                      optimiser: adam
                      ^
                    did you mean 'optimizer'?
                1 error in p.yaml

                """)
        }
    }
}
