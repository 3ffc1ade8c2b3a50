// Test helper for losses: the analytic gradient of a scalar function against central differences.
import Testing
@testable import MonkEngine

/// Central differences of a scalar loss, element by element.
func expectScalarGradient(_ grad: Tensor, of f: (Tensor) -> Float, at x: Tensor,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    let h: Float = 1e-2
    for i in 0..<x.count {
        let orig = x[i]
        x[i] = orig + h; let lp = f(x)
        x[i] = orig - h; let lm = f(x)
        x[i] = orig
        let numeric = (lp - lm) / (2 * h)
        #expect(abs(grad[i] - numeric) < 1e-4, "d[\(i)] \(grad[i]) vs \(numeric)", sourceLocation: sourceLocation)
    }
}
