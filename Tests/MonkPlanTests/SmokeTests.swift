import Testing
import Foundation
@testable import MonkPlan

@Test func quickstartPlans() throws {
    let plan = try PlanLoader.load(path: repositoryRoot + "/pipelines/quickstart.yaml")
    let e = JSONEncoder(); e.outputFormatting = [.sortedKeys, .prettyPrinted]
    print(String(decoding: try e.encode(plan), as: UTF8.self))
    #expect(plan.experiments.count == 2)
}
