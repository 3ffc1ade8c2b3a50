// Which modules of a network need their input gradient, for blocks that are not plain chains.
import MonkEngine

/// A composite module whose data flow is not one chain (residual and dense blocks). It sets
/// `needsInputGradient` on itself and on its children, and says whether its output depends
/// on anything that takes a gradient.
protocol GradientFlow: Module {
    /// Returns true when the module's output carries a gradient back to some trainable
    /// parameter or to an input that needs one.
    func prepareGradientFlow(inputNeedsGradient: Bool) -> Bool
}

/// Prepares modules that run one after another (the generalisation of
/// `Module.prepareBackward` to chains that contain composite blocks). Returns whether the
/// chain's output carries a gradient.
@discardableResult
func prepareFlow(_ chain: [Module], inputNeedsGradient: Bool) -> Bool {
    var needed = inputNeedsGradient
    for m in chain { needed = prepareFlow(m, inputNeedsGradient: needed) }
    return needed
}

/// Prepares one module: composite blocks decide for themselves, `Sequential` is a chain,
/// anything else is a leaf layer.
@discardableResult
func prepareFlow(_ m: Module, inputNeedsGradient: Bool) -> Bool {
    if let block = m as? GradientFlow { return block.prepareGradientFlow(inputNeedsGradient: inputNeedsGradient) }
    m.needsInputGradient = inputNeedsGradient
    if let seq = m as? Sequential { return prepareFlow(seq.layers, inputNeedsGradient: inputNeedsGradient) }
    return inputNeedsGradient || m.hasTrainableParameters
}
