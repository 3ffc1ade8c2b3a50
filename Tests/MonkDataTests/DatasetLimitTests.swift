// `data.limit` (issue 11 item 9): a seeded part of a dataset, per class in proportion, so a
// quick run reads few images yet keeps every class and the class balance.
import Foundation
import Testing
@testable import MonkData
import MonkVocabulary

@Suite struct DatasetLimitTests {
    /// 30 images of class A, 10 of class B, 2 of class C.
    static let dataset = Dataset(root: URL(fileURLWithPath: "/data"), classes: ["A", "B", "C"],
        items: (0..<30).map { DatasetItem(path: "A/\($0).jpeg", label: 0) }
            + (0..<10).map { DatasetItem(path: "B/\($0).jpeg", label: 1) }
            + (0..<2).map { DatasetItem(path: "C/\($0).jpeg", label: 2) })

    @Test func quotasFollowTheClassCounts() {
        // 8 of 42: exact shares 30·8/42 = 5.714, 10·8/42 = 1.905, 2·8/42 = 0.381; floors 5, 1, 0
        // and the 2 left go to the largest remainders (B .905, A .714) → 6, 2, 0; then C,
        // which has images, takes one from the largest (A).
        #expect(DataLimit(amount: .images(8), seed: 0).quotas([30, 10, 2]) == [5, 2, 1])
        // 21 of 42 (fraction 0.5): 15, 5, 1 exactly.
        #expect(DataLimit(amount: .fraction(0.5), seed: 0).quotas([30, 10, 2]) == [15, 5, 1])
        // 0.1 of 42 = 4.2 → 4 images: shares 2.857, 0.952, 0.190 → floors 2, 0, 0; remainders
        // go to B (.952) and A (.857) → 3, 1, 0; then C, which has images, takes one from A.
        #expect(DataLimit(amount: .fraction(0.1), seed: 0).quotas([30, 10, 2]) == [2, 1, 1])
        // More than there is: everything.
        #expect(DataLimit(amount: .images(1000), seed: 0).quotas([30, 10, 2]) == [30, 10, 2])
        // Fewer images than classes: the largest classes.
        #expect(DataLimit(amount: .images(1), seed: 0).quotas([30, 10, 2]) == [1, 0, 0])
    }

    @Test func theDrawIsSeededAndKeepsTheListingOrder() {
        let a = Self.dataset.limited(DataLimit(amount: .images(8), seed: 1), stream: 0)
        let again = Self.dataset.limited(DataLimit(amount: .images(8), seed: 1), stream: 0)
        let other = Self.dataset.limited(DataLimit(amount: .images(8), seed: 2), stream: 0)
        #expect(a == again)
        #expect(a.items != other.items)
        #expect(a.classCounts == [5, 2, 1] && other.classCounts == [5, 2, 1])
        #expect(Set(a.items).isSubset(of: Set(Self.dataset.items)))
        let positions = a.items.map { item in Self.dataset.items.firstIndex(of: item)! }
        #expect(positions == positions.sorted())
        // Another folder read with the same seed draws on its own.
        #expect(Self.dataset.limited(DataLimit(amount: .images(8), seed: 1), stream: 2).items != a.items)
    }
}
