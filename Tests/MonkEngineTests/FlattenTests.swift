// Flatten keeps the element order (NHWC) and restores the shape in backward.
import Testing
@testable import MonkEngine

@Suite struct FlattenTests {
    @Test(arguments: [[2, 3, 4, 5], [3, 1, 1, 7], [4, 6]])
    func flattenRoundTrip(shape: [Int]) {
        let x = randomTensor(shape, seed: 1)
        let flat = Flatten()
        let y = flat.forward(x, Context(training: true))
        #expect(y.shape == [shape[0], x.count / shape[0]])
        #expect(y.array == x.array)
        checkGradients(flat, input: x, tolerance: 1e-3)
    }
}
