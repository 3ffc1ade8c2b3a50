// Flatten: [N, d1, d2, …] → [N, d1·d2·…], and back in backward.

/// Collapses every axis after the first. With NHWC input the features come out in H, W, C
/// order (PyTorch's NCHW flatten gives C, H, W): a head that loads PyTorch weights after a
/// flatten of a spatial map must permute them; after global pooling the orders agree.
public final class Flatten: Module {
    public var needsInputGradient = true
    private var inputShape: [Int] = []

    public init() {}

    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        precondition(x.rank >= 1, "Flatten needs a batch axis")
        inputShape = x.shape
        let n = x.shape[0]
        return x.reshaped([n, n == 0 ? 0 : x.count / n])
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        return dy.reshaped(inputShape)
    }
}
