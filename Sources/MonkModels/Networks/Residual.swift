// Residual connections: in-place adds, and the backward and gradient flow of a block made of
// a main branch beside a shortcut (ResNet v1's add-then-ReLU is `BatchNorm2D.forward(_:addingThenReLU:_:)`).
import MonkEngine

/// dL/dx of a clamp to [0, cap] given its output: dy where 0 < y < cap, else 0 (new tensor).
func activationGradient(_ dy: Tensor, output y: Tensor, cap: Float = .infinity, parallel: Parallel) -> Tensor {
    Elementwise.clampGradient(dy, output: y, cap: cap, parallel: parallel)
}

/// y += x elementwise, in place (the residual connection).
func addInPlace(_ y: Tensor, _ x: Tensor, parallel: Parallel) {
    Elementwise.add(x, into: y, parallel: parallel)
}

/// Backward of out = act(main(x) + shortcut(x)) where `output` is the block's output after
/// the activation (nil output mask means no activation after the add). Returns dL/dx, or
/// nil when the block's input needs no gradient.
func residualBackward(_ dy: Tensor, output: Tensor?, main: [Module], shortcut: Module?,
                      _ needsInputGradient: Bool, _ ctx: Context, activationAfterAdd: Bool = true) -> Tensor? {
    let dz: Tensor
    if activationAfterAdd {
        guard let y = output else { preconditionFailure("residual block backward called before forward") }
        dz = activationGradient(dy, output: y, parallel: ctx.parallel)
    } else {
        dz = dy
    }
    let dMain = backwardChain(main, dz, ctx)
    let dShort = shortcut.map { $0.backward(dz, ctx) } ?? dz
    guard needsInputGradient, let dMain else { return nil }
    if let dShort { addInPlace(dMain, dShort, parallel: ctx.parallel) }
    return dMain
}

/// Gradient flow of a residual block: the main branch is a chain, the shortcut is either a
/// module or the identity.
func residualPrepare(_ block: Module, main: [Module], shortcut: Module?, _ inputNeedsGradient: Bool) -> Bool {
    block.needsInputGradient = inputNeedsGradient
    let m = prepareFlow(main, inputNeedsGradient: inputNeedsGradient)
    let s = shortcut.map { prepareFlow($0, inputNeedsGradient: inputNeedsGradient) } ?? inputNeedsGradient
    return m || s
}
