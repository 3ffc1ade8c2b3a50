// An unstratified split gives the whole set its validation share, not each class.
import Testing
@testable import MonkData
import MonkVocabulary

@Suite struct UnstratifiedSplitTests {
    /// 30 items of class 0 and 70 of class 1, fraction 0.3: round(0.3 × 100) = 30 go to
    /// validation in total. Stratified, the classes get exactly round(0.3×30)=9 and
    /// round(0.3×70)=21; unstratified only the total is fixed, and the seed decides the mix.
    @Test func totalShareOnly() throws {
        let items = (0..<100).map { DatasetItem(path: "f\($0).png", label: $0 < 30 ? 0 : 1) }
        let plain = try Splitter.split(items, classCount: 2, settings: SplitPlan(fraction: 0.3, stratified: false, groupBy: nil, seed: 5))
        #expect(plain.filter { $0 == .val }.count == 30)
        let again = try Splitter.split(items, classCount: 2, settings: SplitPlan(fraction: 0.3, stratified: false, groupBy: nil, seed: 5))
        #expect(plain == again)
        let strat = try Splitter.split(items, classCount: 2, settings: SplitPlan(fraction: 0.3, stratified: true, groupBy: nil, seed: 5))
        #expect(zip(items, strat).filter { $0.0.label == 0 && $0.1 == .val }.count == 9)
        #expect(zip(items, strat).filter { $0.0.label == 1 && $0.1 == .val }.count == 21)
    }
}
