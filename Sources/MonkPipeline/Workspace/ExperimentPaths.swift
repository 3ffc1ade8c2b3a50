// Where an experiment's files live: Monk's layout, `workspace/<project>/<experiment>/`.
import Foundation

public struct ExperimentPaths: Sendable {
    public let root: URL
    public init(workspace: URL, project: String, experiment: String) {
        root = workspace.appendingPathComponent(project, isDirectory: true).appendingPathComponent(experiment, isDirectory: true)
    }
    public init(root: URL) { self.root = root }
    public var state: URL { root.appendingPathComponent("experiment-state.json") }
    public var lock: URL { root.appendingPathComponent(".lock") }
    public var output: URL { root.appendingPathComponent("output", isDirectory: true) }
    public var models: URL { output.appendingPathComponent("models", isDirectory: true) }
    public var logs: URL { output.appendingPathComponent("logs", isDirectory: true) }
    public var test: URL { output.appendingPathComponent("test", isDirectory: true) }
    public var bestWeights: URL { models.appendingPathComponent("best.safetensors") }
    public var finalWeights: URL { models.appendingPathComponent("final.safetensors") }
}
