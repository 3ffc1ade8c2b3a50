// What the PyTorch reference scripts in Fixtures/reference/ share with the tests that read
// their output: the closed-formula weights and input (reference_common.py), and loading the
// recorded JSON.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

/// Fills every state-dict entry as `reference_common.fill` does: entry k (in PyTorch's order,
/// without num_batches_tracked) gets base(i) = sin(2.1·i + 0.013·i² + 1.3·k) over its
/// PyTorch-layout flat index i, shaped per kind of tensor (He's variance for weight matrices,
/// running variances around 1).
func fillLikeReference(_ network: Module) {
    var k = 0
    func values(_ name: String, _ torchShape: [Int]) -> [Float] {
        let n = torchShape.reduce(1, *)
        return (0..<n).map { index in
            let i = Double(index)
            let base = sin(2.1 * i + 0.013 * i * i + 1.3 * Double(k))
            let v: Double
            if name.hasSuffix("running_var") { v = 0.75 + 0.5 * base * base }
            else if name.hasSuffix("running_mean") { v = 0.1 * base }
            else if torchShape.count >= 2 { v = base * (4.0 / Double(n / torchShape[0])).squareRoot() }
            else if name.hasSuffix("weight") { v = 1 + 0.1 * base }
            else { v = 0.1 * base }
            return Float(v)
        }
    }
    func walk(_ m: Module) {
        for (name, p) in m.ownParameters {
            if m is Conv2D && name == "weight" {
                let shape = Conv2D.toTorchLayout(p.value).shape
                let oihw = Tensor(shape: shape, values: values(name, shape))
                let ohwi = Conv2D.fromTorchLayout(oihw)
                withExtendedLifetime(ohwi) { p.value.data.update(from: ohwi.data, count: p.value.count) }
            } else {
                p.value.data.update(from: values(name, p.shape), count: p.value.count)
            }
            k += 1
        }
        for (name, b) in m.ownBuffers {
            b.value.data.update(from: values(name, b.value.shape), count: b.value.count)
            k += 1
        }
        for (_, child) in m.namedChildren { walk(child) }
    }
    walk(network)
}

/// `reference_common.image`, NHWC: x[b, h, w, c] = (1 + 0.5b)·sin((0.3 + 0.11b)·h +
/// (0.7 − 0.13b)·w + 1.1c + 2.3b). Each item has its own frequencies and amplitude.
func referenceImage(batch: Int, size: Int) -> Tensor {
    let x = Tensor(shape: [batch, size, size, 3])
    var i = 0
    for b in 0..<batch { for h in 0..<size { for w in 0..<size { for c in 0..<3 {
        let bb = Double(b)
        let phase = (0.3 + 0.11 * bb) * Double(h) + (0.7 - 0.13 * bb) * Double(w) + 1.1 * Double(c) + 2.3 * bb
        x[i] = Float((1 + 0.5 * bb) * sin(phase))
        i += 1
    } } } }
    return x
}

/// A JSON file written by one of the scripts in Fixtures/reference/.
func referenceFixture<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/reference/\(name)", withExtension: "json"),
                           "Fixtures/reference/\(name).json is missing")
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

/// The largest |got − want| over a list, relative to the list's largest |want|.
func relativeGap(_ got: [Float], _ want: [Double]) -> Double {
    let scale = max(want.map(abs).max() ?? 1, 1e-12)
    return zip(got, want).map { abs(Double($0) - $1) }.max().map { $0 / scale } ?? .infinity
}
