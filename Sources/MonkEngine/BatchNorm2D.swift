// Batch normalisation over the channel (last) axis of NHWC or [N, C] tensors, PyTorch semantics.

/// `y = γ·(x − μ)/√(σ² + eps) + β` per channel.
///
/// Training mode (with a trainable `weight`) uses the batch's mean and *biased* variance and
/// moves the running statistics by `running = (1 − momentum)·running + momentum·batch`, with
/// the *unbiased* variance, as `torch.nn.BatchNorm2d` does. Eval mode — and a frozen weight
/// (Monk freezes BatchNorm layers by making them use their running statistics) — normalises
/// with the running statistics and leaves them untouched.
///
/// With `activation: .relu` (or `.relu6`) the layer outputs `max(0, y)` (or `min(max(0, y), 6)`):
/// the same as a `ReLU()` (`ReLU6()`) after it, without the activation's own pass over memory
/// and buffer in forward and backward (the backward recomputes the mask from the input it
/// reads anyway). It has the same state-dict names as a plain BatchNorm.
///
/// The layer caches its input for backward: callers must not modify it in place before then.
public final class BatchNorm2D: Module {
    public let weight: Parameter
    public let bias: Parameter
    public let running_mean: Buffer
    public let running_var: Buffer
    public let channels: Int
    public let eps: Float
    public let momentum: Float
    public let activation: FusedActivation
    public var needsInputGradient = true

    /// What the last forward used, for backward: the input; per channel the mean and
    /// 1/√(var + eps) it normalised with, and the resulting y = x·scale + shift.
    var input: Tensor?  // internal: BatchNorm2DRecompute.swift releases and resupplies it
    private var usedBatchStatistics = false
    private var mean: [Float] = []
    private var invStd: [Float] = []
    var scale: [Float] = []
    var shift: [Float] = []

    /// An activation applied to the normalised output in the same pass.
    public enum FusedActivation: Sendable, Equatable {
        case identity
        case relu
        case relu6

        /// The clamp [0, cap] the activation is, nil for the identity.
        var cap: Float? {
            switch self {
            case .identity: nil
            case .relu: .infinity
            case .relu6: 6
            }
        }
    }

    public init(channels: Int, eps: Float = 1e-5, momentum: Float = 0.1, activation: FusedActivation = .identity) {
        precondition(channels > 0, "BatchNorm2D needs at least one channel")
        self.channels = channels
        self.eps = eps
        self.momentum = momentum
        self.activation = activation
        weight = Parameter(Tensor(shape: [channels], repeating: 1))
        bias = Parameter(Tensor(shape: [channels]))
        running_mean = Buffer(Tensor(shape: [channels]))
        running_var = Buffer(Tensor(shape: [channels], repeating: 1))
    }

    // x: [N, H, W, C] or [N, C]; the statistics run over every axis but the last.
    public func forward(_ x: Tensor, _ ctx: Context) -> Tensor { forward(x, statistics: nil, ctx) }

    /// `forward`, with batch statistics from `statistics` (of `x`) when given: taken already
    /// by the pass that wrote `x` (`SharedChannelStatistics.adding`).
    public func forward(_ x: Tensor, statistics: SharedChannelStatistics?, _ ctx: Context) -> Tensor {
        precondition(statistics.map { $0.source === x } ?? true, "BatchNorm2D: statistics of another tensor")
        return ctx.timed(profileLabel(x.shape, "forward")) {
            normalise(x, statistics: statistics, ctx)
            let y = Tensor(uninitializedShape: x.shape)  // every element is written below
            ChannelAffine.apply(x, scale: scale, shift: shift, cap: activation.cap, into: y, parallel: ctx.parallel)
            return y
        }
    }

    /// The op's name in an `OpProfile`: channels, map size and fused activation.
    func profileLabel(_ shape: [Int], _ pass: String) -> String {
        let map = shape.count == 4 ? " @\(shape[1])×\(shape[2])" : ""
        let act = activation == .identity ? "" : activation == .relu ? "+relu" : "+relu6"
        return "batchnorm\(act) \(channels)\(map) \(pass)"
    }

    /// `max(0, forward(x) + residual)` in one pass over memory: the end of a ResNet v1 block
    /// (BatchNorm, shortcut add, ReLU), bit for bit the three steps done one after another.
    /// Only for a layer without a fused activation. `backward` is the plain layer's: the
    /// caller masks dy by the ReLU (output > 0) as it would for a separate add and ReLU.
    // x, residual: [N, H, W, C] → same shape
    public func forward(_ x: Tensor, addingThenReLU residual: Tensor, _ ctx: Context) -> Tensor {
        precondition(activation == .identity, "BatchNorm2D.forward(_:addingThenReLU:) needs a layer without a fused activation")
        precondition(residual.shape == x.shape, "residual add: \(x.shape) vs \(residual.shape)")
        return ctx.timed(profileLabel(x.shape, "forward+add+relu")) {
            normalise(x, ctx)
            let y = Tensor(uninitializedShape: x.shape)  // every element is written below
            ChannelAffine.applyAddReLU(x, scale: scale, shift: shift, residual: residual, into: y, parallel: ctx.parallel)
            return y
        }
    }

    /// Picks the statistics (batch or running), moves the running ones in training, and sets
    /// the per-channel `scale` and `shift` the output is computed with; caches `x` for backward.
    private func normalise(_ x: Tensor, statistics: SharedChannelStatistics? = nil, _ ctx: Context) {
        precondition(x.rank >= 2 && x.shape.last == channels, "BatchNorm2D(\(channels)) got input \(x.shape)")
        normalise(ChannelRows(x, channels: channels), shape: x.shape, statistics: statistics, ctx)
        input = ctx.keepsForBackward ? x : nil
    }

    /// `normalise` of a row view (`shape` only names it in errors); caches nothing. Batch
    /// statistics come from `shared` when given (its leading channels must be `x`).
    func normalise(_ x: ChannelRows, shape: [Int], statistics shared: SharedChannelStatistics? = nil, _ ctx: Context) {
        let c = channels, rows = x.rows
        usedBatchStatistics = ctx.training && weight.trainable
        if usedBatchStatistics {
            precondition(rows > 1, "BatchNorm2D needs more than one value per channel when training (input \(shape))")
            let (m, v) = shared?.leading(c, ctx.parallel)
                ?? ChannelReduce.meanAndVariance(x, channels: c, parallel: ctx.parallel)
            let unbias = Double(rows) / Double(rows - 1)
            let rm = running_mean.value.data, rv = running_var.value.data
            let mom = Double(momentum)
            mean = m.map { Float($0) }
            invStd = v.map { Float(1 / ($0 + Double(eps)).squareRoot()) }
            for j in 0..<c {
                rm[j] = Float((1 - mom) * Double(rm[j]) + mom * m[j])
                rv[j] = Float((1 - mom) * Double(rv[j]) + mom * v[j] * unbias)
            }
        } else {
            mean = Array(running_mean.value.buffer)
            invStd = running_var.value.buffer.map { 1 / ($0 + eps).squareRoot() }
        }
        scale = (0..<c).map { weight.value[$0] * invStd[$0] }
        shift = (0..<c).map { bias.value[$0] - mean[$0] * scale[$0] }
    }

    public func backward(_ dy: Tensor, _ ctx: Context) -> Tensor? {
        guard let x = input else { preconditionFailure("BatchNorm2D.backward called before forward") }
        precondition(dy.shape == x.shape, "BatchNorm2D.backward: dy \(dy.shape) vs x \(x.shape)")
        return ctx.timed(profileLabel(x.shape, "backward")) { backward(dy, x, ctx) }
    }

    /// dL/dx + `residual` in one pass: the input gradient of a pre-activation residual block
    /// whose shortcut is its input (ResNet v2), where the shortcut's gradient joins this
    /// layer's. Bit for bit `backward(dy)` followed by an add; nil where `backward` is nil.
    public func backward(_ dy: Tensor, plus residual: Tensor, _ ctx: Context) -> Tensor? {
        guard let x = input else { preconditionFailure("BatchNorm2D.backward called before forward") }
        precondition(dy.shape == x.shape && residual.shape == x.shape,
                     "BatchNorm2D.backward: dy \(dy.shape), residual \(residual.shape) vs x \(x.shape)")
        return ctx.timed(profileLabel(x.shape, "backward+add")) { backward(dy, x, plus: residual, ctx) }
    }

    private func backward(_ dy: Tensor, _ x: Tensor, plus residual: Tensor? = nil, _ ctx: Context) -> Tensor? {
        let dx = Tensor(uninitializedShape: x.shape)  // every element is written, if at all
        let c = channels
        let wrote = backward(ChannelRows(dy, channels: c), ChannelRows(x, channels: c), into: ChannelRows(dx, channels: c),
                             accumulating: false, plus: residual.map { ChannelRows($0, channels: c) }, ctx)
        return wrote ? dx : nil
    }

    /// Adds the parameter gradients, and writes dL/dx into `out` (or adds it, `accumulating`)
    /// when the input needs a gradient; returns whether it did. With `pending` (accumulating,
    /// batch statistics and a fused activation), one pass over dy and x takes the sums and adds
    /// the dy part of dL/dx; the x·b + k part goes to `pending`, to be added later.
    func backward(_ dy: ChannelRows, _ x: ChannelRows, into out: ChannelRows, accumulating: Bool,
                  plus base: ChannelRows? = nil, deferring pending: DeferredInputGradient? = nil, _ ctx: Context) -> Bool {
        let c = channels, rows = x.rows
        let clamp = activation.cap.map { ChannelAffine.ClampMask(scale: scale, shift: shift, cap: $0) }
        // Batch statistics imply a trainable weight, so the sums below are needed exactly
        // when a parameter trains; frozen eval-style BatchNorm only scales dy.
        let needSums = weight.trainable || bias.trainable
        guard needSums || needsInputGradient else { return false }
        let a = (0..<c).map { weight.value[$0] * invStd[$0] }
        let fusedClamp = pending != nil && accumulating && usedBatchStatistics && needsInputGradient ? clamp : nil
        var sumDy = [Float](repeating: 0, count: c), sumDyXhat = sumDy
        if needSums {
            let sums = ChannelReduce.gradientSums(dy, x, mean: mean, clamp: clamp,
                                                  adding: fusedClamp.map { _ in (a, out) }, parallel: ctx.parallel)
            for j in 0..<c {
                sumDy[j] = Float(sums.dy[j])
                sumDyXhat[j] = Float(sums.dyCentered[j]) * invStd[j]  // Σ dy·x̂ = invStd·Σ dy·(x − μ)
            }
            if weight.trainable { for j in 0..<c { weight.grad[j] += sumDyXhat[j] } }
            if bias.trainable { for j in 0..<c { bias.grad[j] += sumDy[j] } }
        }
        guard needsInputGradient else { return false }

        // dx = a·dy + b·x + k per channel (dy masked by the fused activation).
        var b = [Float](repeating: 0, count: c), k = b
        if usedBatchStatistics {
            for j in 0..<c {
                // dx = a·(dy − Σdy/M − x̂·Σdy·x̂/M)
                let n = Float(rows)
                b[j] = -a[j] * invStd[j] * sumDyXhat[j] / n
                k[j] = -a[j] * sumDy[j] / n - b[j] * mean[j]
            }
        }
        if let pending, fusedClamp != nil {
            pending.defer(b: b, k: k)
            return true
        }
        // b is 0 without batch statistics: the second form skips x, but cannot accumulate.
        if usedBatchStatistics || clamp != nil || accumulating || base != nil {
            ChannelAffine.apply2(dy, a: a, x, b: b, shift: k, clamp: clamp, into: out, accumulating: accumulating,
                                 plus: base, parallel: ctx.parallel)
        } else {
            ChannelAffine.apply(dy, scale: a, shift: k, into: out, parallel: ctx.parallel)
        }
        return true
    }
}
