// What every network in the zoo offers for transfer learning: head replacement, freezing,
// and backward passes that skip the frozen prefix.
import MonkEngine

/// An image classifier: NHWC images `[N, H, W, 3]` in, logits `[N, numClasses]` out.
///
/// Freezing follows Monk: `freezeBaseNetwork()` trains only the classifier head,
/// `freezeLayers(k)` freezes the first `k` parameterised leaf layers (convolution,
/// BatchNorm, linear) in forward order. A frozen BatchNorm normalises with its running
/// statistics (`BatchNorm2D` does that whenever its weight is not trainable). Freezing and
/// `replaceHead` call `prepareBackward()` themselves, so no input gradient is computed
/// through the frozen prefix; call it yourself after toggling `Parameter.trainable` by hand.
public protocol ClassifierNetwork: Module {
    /// How many classes the head predicts.
    var numClasses: Int { get }
    /// The classifier head's parameter names, as they appear in the state dict.
    var headParameterNames: [String] { get }
    /// Replaces the classifier head by a freshly initialised one for `numClasses` classes.
    func replaceHead(numClasses: Int, rng: inout RNG)
    /// The network's top-level modules in the order forward runs them; composite blocks
    /// among them describe their own gradient flow (`GradientFlow`).
    var forwardChain: [Module] { get }
    /// Forward cost of one image of `height`×`width` pixels, in floating-point operations
    /// (2 per multiply-add of every convolution and linear layer; BatchNorm, activations
    /// and pooling are not counted, as in torchvision's published GFLOPS).
    func forwardFLOPs(height: Int, width: Int) -> Double
}

extension ClassifierNetwork {
    /// Marks which modules need their input gradient: none before the first trainable
    /// parameter (images never need one).
    public func prepareBackward() {
        prepareFlow(forwardChain, inputNeedsGradient: false)
    }

    /// Parameterised leaf layers (those owning parameters directly) in forward order, with
    /// their dotted names. For residual blocks the shortcut comes after the main branch,
    /// which is the order of torchvision's state dicts.
    public var parameterisedLayers: [(name: String, module: Module)] {
        var out: [(name: String, module: Module)] = []
        func walk(_ m: Module, _ prefix: String) {
            if !m.ownParameters.isEmpty { out.append((String(prefix.dropLast()), m)) }
            for (name, child) in m.namedChildren { walk(child, prefix + name + ".") }
        }
        walk(self, "")
        return out
    }

    /// Trains only the classifier head; everything else keeps its weights and its BatchNorm
    /// layers use their running statistics.
    public func freezeBaseNetwork() {
        let head = Set(headParameterNames)
        for (name, p) in namedParameters() { p.trainable = head.contains(name) }
        prepareBackward()
    }

    /// Freezes the first `k` parameterised leaf layers in forward order and unfreezes the
    /// rest. `k` larger than the layer count freezes everything.
    public func freezeLayers(_ k: Int) {
        precondition(k >= 0, "freezeLayers needs a non-negative count, got \(k)")
        for (i, layer) in parameterisedLayers.enumerated() {
            for (_, p) in layer.module.ownParameters { p.trainable = i >= k }
        }
        prepareBackward()
    }

    /// Makes every parameter trainable again.
    public func unfreezeAll() {
        for p in parameters { p.trainable = true }
        prepareBackward()
    }
}
