// Paths resolve against the spec's folder without touching the disk; names and the
// workspace cannot lead outside the workspace.
import Testing
@testable import MonkPlan
import MonkVocabulary

@Suite struct PathTests {
    @Test func relativePathsResolveAgainstTheSpecFolder() throws {
        let text = """
            project: p
            data:
              train: ../data/./x/../train
              val: /abs/val/
              test: {csv: lists/test.csv, delimiter: ";"}
            defaults: {pretrained: weights/start.safetensors}
            """
        let p = try #require(plan(text, directory: "/home/u/specs"))
        #expect(p.data.train == .folder(path: "/home/u/data/train"))
        #expect(p.data.validation == .folder(path: "/abs/val"))
        #expect(p.data.test == .csv(CSVSource(file: "/home/u/specs/lists/test.csv", root: "/home/u/specs/lists",
                                              delimiter: ";", imageColumn: "ID", labelColumn: "Label")))
        #expect(p.experiments[0].pretrained == .file(path: "/home/u/specs/weights/start.safetensors"))
        #expect(p.workspace == "/home/u/specs/workspace")
    }

    @Test func workspaceMayNotEscapeTheSpecFolder() throws {
        let escape = try #require(planErrors(minimal + "workspace: ../../elsewhere\n", directory: "/home/u/specs").first)
        #expect(escape.kind == .unsafeName)
        #expect(escape.mark == SourceMark(line: 4, column: 12))
        #expect(planErrors(minimal + "workspace: /\n").first?.kind == .unsafeName)
        // Written absolute, the user means it.
        #expect(plan(minimal + "workspace: /data/ws\n")?.workspace == "/data/ws")
        #expect(plan(minimal + "workspace: out/../ws\n")?.workspace == "/specs/ws")
    }

    @Test func namesAreSinglePathComponents() throws {
        let experiment = try #require(planErrors(minimal + "experiments:\n  ../../etc: {epochs: 1}\n").first)
        #expect(experiment.kind == .unsafeName)
        #expect(experiment.mark == SourceMark(line: 5, column: 3))
        #expect(planErrors("project: ../x\ndata: {train: t}\n").first?.kind == .unsafeName)
        #expect(planErrors(minimal + "comparison: {name: a/b}\n").first?.kind == .unsafeName)
        #expect(planErrors(minimal + "experiments: {.hidden: {}}\n").first?.kind == .unsafeName)
        // Sweep names are checked too: a value with a slash becomes '_'.
        #expect(plan(minimal + "sweep: {pretrained: [w/a.bin]}\n")?.experiments.map(\.name) == ["pretrainedw_a.bin"])
    }

    @Test func homeDirectoryIsNotExpanded() throws {
        let e = try #require(planErrors(minimal.replacingOccurrences(of: "data/train", with: "~/train")).first)
        #expect(e.kind == .invalidValue)
        #expect(e.keyPath == "data.train")
    }
}
