// A BatchNorm without scale and shift whose statistics are constants: MXNet Gluon's
// `BatchNorm(scale=False, center=False)` at the input of its pre-activation ResNets.

/// `y = (x − running_mean) / √(running_var + eps)` per channel (the last axis), with the
/// statistics loaded from a file and never trained or updated.
///
/// Gluon's pre-activation ResNets begin with this layer; its statistics (ImageNet's, in the
/// normalised input space) come from the pretrained file. At exactly 0/1 — a network trained
/// from scratch — it returns its input itself (Gluon would scale by 1/√(1 + eps), 5·10⁻⁶ off),
/// so networks trained before this layer existed keep their exact outputs. Gluon moves the statistics in training
/// mode; here they stay fixed in both modes, as every BatchNorm without a trainable weight does
/// in this engine (frozen BatchNorm layers use their running statistics): the input
/// normalisation a pretrained network was trained behind stays the one it expects.
public final class FixedBatchNorm2D: Module {
    public let running_mean: Buffer
    public let running_var: Buffer
    public let channels: Int
    public let eps: Float
    public var needsInputGradient = true
    private var invStd: [Float] = []

    public init(channels: Int, eps: Float = 1e-5) {
        precondition(channels > 0, "FixedBatchNorm2D needs at least one channel")
        self.channels = channels
        self.eps = eps
        running_mean = Buffer(Tensor(shape: [channels]))
        running_var = Buffer(Tensor(shape: [channels], repeating: 1))
    }

    /// True while the statistics are 0/1, when the layer is the identity.
    public var isIdentity: Bool {
        running_mean.value.array.allSatisfy { $0 == 0 } && running_var.value.array.allSatisfy { $0 == 1 }
    }

    // x: [N, H, W, C] or [N, C] → same shape
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor {
        precondition(x.shape.last == channels, "FixedBatchNorm2D(\(channels)) got \(x.shape)")
        if isIdentity { invStd = []; return x }
        invStd = (0..<channels).map { 1 / (running_var.value[$0] + eps).squareRoot() }
        let shift = (0..<channels).map { -running_mean.value[$0] * invStd[$0] }
        let y = Tensor(uninitializedShape: x.shape)
        ChannelAffine.apply(x, scale: invStd, shift: shift, into: y, parallel: ctx.parallel)
        return y
    }

    // dL/dx = dL/dy / √(var + eps): the statistics are constants.
    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard needsInputGradient else { return nil }
        if invStd.isEmpty { return dy }   // the identity (see forward)
        let dx = Tensor(uninitializedShape: dy.shape)
        ChannelAffine.apply(dy, scale: invStd, shift: [Float](repeating: 0, count: channels), into: dx, parallel: ctx.parallel)
        return dx
    }
}
