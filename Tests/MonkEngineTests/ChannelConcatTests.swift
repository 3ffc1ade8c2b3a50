// concatChannels / splitChannels: element placement by hand, inverse pair, parallel equals serial.
import Testing
@testable import MonkEngine

@Suite struct ChannelConcatTests {
    @Test func placesChannelsSideBySide() {
        let a = Tensor(shape: [1, 1, 2, 1], values: [1, 2])
        let b = Tensor(shape: [1, 1, 2, 2], values: [10, 11, 20, 21])
        let y = concatChannels([a, b])
        #expect(y.shape == [1, 1, 2, 3])
        #expect(y.array == [1, 10, 11, 2, 20, 21])
    }

    @Test(arguments: [[5, 3, 7], [1, 2, 1], [32, 16, 16, 16]])
    func splitInvertsConcat(sizes: [Int]) {
        // 450 rows: the widest case splits across two threads.
        let xs = sizes.enumerated().map { randomTensor([2, 15, 15, $0.element], seed: UInt64($0.offset)) }
        for threads in [1, 2] {
            let par = Parallel(threads: threads)
            let y = concatChannels(xs, parallel: par)
            #expect(y.shape == [2, 15, 15, sizes.reduce(0, +)])
            // Naive placement: element (row, offset + k) of y is element (row, k) of piece i.
            var offset = 0
            for (x, c) in zip(xs, sizes) {
                var misplaced = 0
                for r in 0..<450 { for k in 0..<c where y[r * y.shape[3] + offset + k] != x[r * c + k] { misplaced += 1 } }
                #expect(misplaced == 0)
                offset += c
            }
            let parts = splitChannels(y, sizes: sizes, parallel: par)
            #expect(parts.map(\.array) == xs.map(\.array))
            #expect(parts.map(\.shape) == xs.map(\.shape))
        }
    }

    @Test func worksOnVectors() {
        let y = concatChannels([Tensor(shape: [2, 1], values: [1, 2]), Tensor(shape: [2, 2], values: [3, 4, 5, 6])])
        #expect(y.array == [1, 3, 4, 2, 5, 6])
        #expect(splitChannels(y, sizes: [2, 1]).map(\.array) == [[1, 3, 2, 5], [4, 6]])
    }
}
