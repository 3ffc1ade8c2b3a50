// A chain of modules run one after another, numbered like torch.nn.Sequential.

/// Runs its layers in order; backward walks them in reverse and stops at the first layer
/// whose predecessors are all frozen (their gradient is never needed).
public final class Sequential: Module {
    public let layers: [Module]
    public var needsInputGradient = true

    public init(_ layers: [Module]) { self.layers = layers }

    public var namedChildren: [(String, Module)] { layers.enumerated().map { ("\($0.offset)", $0.element) } }
    public var ownParameters: [(String, Parameter)] { [] }
    public var ownBuffers: [(String, Buffer)] { [] }

    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        layers.reduce(x) { $1.forward($0, ctx) }
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        backwardChain(layers, dy, ctx)
    }
}

/// Backward through modules that ran in order. Returns nil as soon as a layer reports that
/// its input gradient is not needed.
public func backwardChain(_ layers: [Module], _ dy: Tensor, _ ctx: Context) -> Tensor? {
    var g = dy
    for layer in layers.reversed() {
        guard let next = layer.backward(g, ctx) else { return nil }
        g = next
    }
    return g
}

extension Module {
    /// Marks, for modules run in the given order, which need their input gradient: none
    /// before the first trainable parameter. `inputNeedsGradient` says whether the chain's
    /// own input needs one (false for a whole network: images take no gradient).
    /// Call after freezing or unfreezing.
    @discardableResult
    public static func prepareBackward(_ chain: [Module], inputNeedsGradient: Bool) -> Bool {
        var needed = inputNeedsGradient
        for m in chain {
            m.needsInputGradient = needed
            if m.hasTrainableParameters { needed = true }
        }
        return needed
    }
}
