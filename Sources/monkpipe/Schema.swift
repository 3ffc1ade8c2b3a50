// `monkpipe schema`: the JSON Schema of pipeline files, generated from the spec format.
import ArgumentParser
import MonkPipeline

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the JSON Schema of pipeline files (for editors).")
    func run() { print(SpecSchema.jsonSchema()) }
}
