// Shared test helpers: central finite differences against a module's analytic backward.
import Testing
@testable import MonkEngine

/// Checks dL/dx and dL/dθ of `module` for the scalar loss L = Σ y·w with fixed random
/// weights w, against central differences (step h, float64 accumulation of L).
/// Float32 forward passes limit the accuracy to ~1e-3 relative; tolerances say so.
func checkGradients(_ module: Module, input x: Tensor, training: Bool = true, seed: UInt64 = 1,
                    h: Float = 1e-2, tolerance: Float = 2e-2, checkInput: Bool = true,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    let ctx = Context(training: training, rng: RNG(seed: seed))
    func loss(_ y: Tensor, _ w: Tensor) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += Double(y[i]) * Double(w[i]) }
        return s
    }
    // Fixed RNG per evaluation, so dropout masks are identical between runs.
    func run(_ input: Tensor) -> Tensor {
        ctx.rng = RNG(seed: seed)
        return module.forward(input, ctx)
    }
    let y0 = run(x)
    var wr = RNG(seed: 99)
    let w = Tensor(shape: y0.shape, values: (0..<y0.count).map { _ in wr.uniform(-1, 1) })
    module.zeroGrad()
    module.needsInputGradient = true
    _ = run(x)
    let dx = module.backward(w, ctx)

    func compare(_ analytic: Float, _ numeric: Double, _ what: String) {
        let err = abs(Double(analytic) - numeric)
        let scale = max(1.0, abs(numeric))
        #expect(err <= Double(tolerance) * scale, "\(what): analytic \(analytic) vs numeric \(numeric)",
                sourceLocation: sourceLocation)
    }
    if checkInput {
        guard let dx else { Issue.record("backward returned no input gradient", sourceLocation: sourceLocation); return }
        #expect(dx.shape == x.shape, sourceLocation: sourceLocation)
        for i in 0..<x.count {
            let orig = x[i]
            x[i] = orig + h; let lp = loss(run(x), w)
            x[i] = orig - h; let lm = loss(run(x), w)
            x[i] = orig
            compare(dx[i], (lp - lm) / Double(2 * h), "dx[\(i)]")
        }
    }
    for (name, p) in module.namedParameters() where p.trainable {
        let g = p.grad.copy()
        for i in 0..<p.value.count {
            let orig = p.value[i]
            p.value[i] = orig + h; let lp = loss(run(x), w)
            p.value[i] = orig - h; let lm = loss(run(x), w)
            p.value[i] = orig
            compare(g[i], (lp - lm) / Double(2 * h), "d\(name)[\(i)]")
        }
    }
}

/// A tensor of uniform values in [lo, hi) from a fixed seed.
func randomTensor(_ shape: [Int], seed: UInt64 = 5, _ lo: Float = -1, _ hi: Float = 1) -> Tensor {
    var r = RNG(seed: seed)
    return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in r.uniform(lo, hi) })
}
