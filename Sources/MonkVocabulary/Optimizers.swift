// The optimizers, declared once: their words (the spec's `type`), their hyper-parameters with
// PyTorch's defaults, the defaults a spec gets, and the readable JSON the plan is written and
// hashed in. MonkEngine runs them (Optimizer, OptimizerRules); MonkPlan fills them from the
// spec and documents the defaults from `specDefaults`.

/// The optimizers a spec can name.
public enum OptimizerKind: String, Vocabulary {
    case sgd, adam, adamw, rmsprop

    public static let concept = "optimizer"

    public var summary: String {
        switch self {
        case .sgd: "stochastic gradient descent"
        case .adam: "Adam"
        case .adamw: "Adam with decoupled weight decay"
        case .rmsprop: "RMSprop"
        }
    }

    /// What a spec gets for every setting it leaves out; `weightDecay` is the model's
    /// (`Architecture.defaultWeightDecay`). These are PyTorch's defaults except SGD's momentum
    /// (0.9, Monk's) and AdamW's weight decay (the model's rather than 0.01).
    public func specDefaults(weightDecay: Double = 0) -> OptimizerConfig {
        switch self {
        case .sgd: .sgd(SGDConfig(lr: 0.01, momentum: 0.9, weightDecay: weightDecay))
        case .adam: .adam(AdamConfig(lr: 0.001, weightDecay: weightDecay))
        case .adamw: .adamw(AdamConfig(lr: 0.001, weightDecay: weightDecay))
        case .rmsprop: .rmsprop(RMSpropConfig(lr: 0.01, weightDecay: weightDecay))
        }
    }

    /// The optimizer a spec gets when it names none.
    public static let specDefault = OptimizerKind.sgd
}

/// torch.optim.SGD's hyper-parameters.
public struct SGDConfig: Codable, Hashable, Sendable {
    public var lr: Double
    public var momentum: Double
    /// Not offered by the spec format (always 0 there).
    public var dampening: Double
    public var nesterov: Bool
    /// L2 penalty added to the gradient (`g + wd·θ`), as torch.optim.SGD does.
    public var weightDecay: Double

    public init(lr: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    private enum CodingKeys: String, CodingKey { case lr, momentum, dampening, nesterov, weightDecay }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(lr: try c.decode(Double.self, forKey: .lr), momentum: try c.decode(Double.self, forKey: .momentum),
                  dampening: try c.decodeIfPresent(Double.self, forKey: .dampening) ?? 0,
                  nesterov: try c.decode(Bool.self, forKey: .nesterov), weightDecay: try c.decode(Double.self, forKey: .weightDecay))
    }

    /// `dampening` is written only when it is not 0, so plans (which never set it) encode, and
    /// so hash into cache keys, exactly as before it was shared with the engine.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lr, forKey: .lr)
        try c.encode(momentum, forKey: .momentum)
        if dampening != 0 { try c.encode(dampening, forKey: .dampening) }
        try c.encode(nesterov, forKey: .nesterov)
        try c.encode(weightDecay, forKey: .weightDecay)
    }
}

/// torch.optim.Adam / AdamW hyper-parameters. For Adam `weightDecay` is an L2 term added to the
/// gradient; for AdamW it is decoupled (`θ ← θ·(1 − lr·wd)` before the Adam step).
public struct AdamConfig: Codable, Hashable, Sendable {
    public var lr: Double
    public var beta1: Double
    public var beta2: Double
    public var eps: Double
    public var weightDecay: Double

    public init(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, eps: Double = 1e-8, weightDecay: Double = 0) {
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
    }
}

/// torch.optim.RMSprop's hyper-parameters.
public struct RMSpropConfig: Codable, Hashable, Sendable {
    public var lr: Double
    /// Smoothing constant of the squared-gradient average.
    public var alpha: Double
    public var eps: Double
    public var momentum: Double
    /// Divide by the estimated standard deviation (E[g²] − E[g]²) instead of the raw RMS. Not
    /// offered by the spec format (always false there).
    public var centered: Bool
    public var weightDecay: Double

    public init(lr: Double = 0.01, alpha: Double = 0.99, eps: Double = 1e-8, momentum: Double = 0,
                centered: Bool = false, weightDecay: Double = 0) {
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.momentum = momentum
        self.centered = centered
        self.weightDecay = weightDecay
    }

    private enum CodingKeys: String, CodingKey { case lr, alpha, eps, momentum, centered, weightDecay }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(lr: try c.decode(Double.self, forKey: .lr), alpha: try c.decode(Double.self, forKey: .alpha),
                  eps: try c.decode(Double.self, forKey: .eps), momentum: try c.decode(Double.self, forKey: .momentum),
                  centered: try c.decodeIfPresent(Bool.self, forKey: .centered) ?? false,
                  weightDecay: try c.decode(Double.self, forKey: .weightDecay))
    }

    /// `centered` is written only when true (see SGDConfig's `dampening`).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lr, forKey: .lr)
        try c.encode(alpha, forKey: .alpha)
        try c.encode(eps, forKey: .eps)
        try c.encode(momentum, forKey: .momentum)
        if centered { try c.encode(centered, forKey: .centered) }
        try c.encode(weightDecay, forKey: .weightDecay)
    }
}

/// An optimizer with all its hyper-parameters. Encoded as `{"<kind>": {settings}}`.
public enum OptimizerConfig: Hashable, Sendable, Codable {
    case sgd(SGDConfig)
    case adam(AdamConfig)
    /// AdamW; PyTorch's default weight decay for it is 0.01 (pass it explicitly).
    case adamw(AdamConfig)
    case rmsprop(RMSpropConfig)

    public var kind: OptimizerKind {
        switch self {
        case .sgd: .sgd
        case .adam: .adam
        case .adamw: .adamw
        case .rmsprop: .rmsprop
        }
    }

    /// The configured (base) learning rate; schedules scale from it.
    public var learningRate: Double {
        switch self {
        case .sgd(let c): c.lr
        case .adam(let c), .adamw(let c): c.lr
        case .rmsprop(let c): c.lr
        }
    }

    private struct KindKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        init(_ kind: OptimizerKind) { stringValue = kind.rawValue }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: KindKey.self)
        if c.contains(KindKey(stringValue: "kind")) {
            self = try Self.legacy(decoder)
            return
        }
        guard c.allKeys.count == 1, let key = c.allKeys.first, let kind = OptimizerKind(rawValue: key.stringValue) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath,
                debugDescription: "expected one of \(OptimizerKind.words.joined(separator: ", ")) as the only key"))
        }
        switch kind {
        case .sgd: self = .sgd(try c.decode(SGDConfig.self, forKey: key))
        case .adam: self = .adam(try c.decode(AdamConfig.self, forKey: key))
        case .adamw: self = .adamw(try c.decode(AdamConfig.self, forKey: key))
        case .rmsprop: self = .rmsprop(try c.decode(RMSpropConfig.self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: KindKey.self)
        switch self {
        case .sgd(let s): try c.encode(s, forKey: KindKey(.sgd))
        case .adam(let s): try c.encode(s, forKey: KindKey(.adam))
        case .adamw(let s): try c.encode(s, forKey: KindKey(.adamw))
        case .rmsprop(let s): try c.encode(s, forKey: KindKey(.rmsprop))
        }
    }

    /// The flat form `{"kind": "adamW", "lr": …}` that resume files written before the
    /// optimizers were shared with the plan hold, so an interrupted run still resumes.
    private static func legacy(_ decoder: any Decoder) throws -> OptimizerConfig {
        enum Kind: String, Decodable { case sgd, adam, adamW, rmsProp }
        enum Key: String, CodingKey { case kind }
        switch try decoder.container(keyedBy: Key.self).decode(Kind.self, forKey: .kind) {
        case .sgd: return .sgd(try SGDConfig(from: decoder))
        case .adam: return .adam(try AdamConfig(from: decoder))
        case .adamW: return .adamw(try AdamConfig(from: decoder))
        case .rmsProp: return .rmsprop(try RMSpropConfig(from: decoder))
        }
    }
}
