// Parameters, persistent buffers, and the Module protocol every layer and network follows.

/// A learnable tensor with its gradient. Backward passes *add* into `grad`; zeroing it is an
/// explicit step (`Module.zeroGrad()`), as in llm.c.
public final class Parameter: @unchecked Sendable {
    public let value: Tensor
    public let grad: Tensor
    /// Frozen parameters (`trainable == false`) get no update, and layers skip computing
    /// their gradient.
    public var trainable: Bool

    public init(_ value: Tensor, trainable: Bool = true) {
        self.value = value
        self.grad = Tensor(shape: value.shape)
        self.trainable = trainable
    }

    public var shape: [Int] { value.shape }
}

/// Persistent state that is saved and loaded but never trained (BatchNorm running statistics).
public final class Buffer: @unchecked Sendable {
    public let value: Tensor
    public init(_ value: Tensor) { self.value = value }
}

/// What a forward pass needs besides its input: train or eval mode, the random generator for
/// dropout, and the threads it may use. Owned by the caller; there is no global mode.
public final class Context: @unchecked Sendable {
    public var training: Bool
    public var rng: RNG
    public let parallel: Parallel
    /// Whether a backward pass may follow the forward passes run with this context. When
    /// false (inference, validation), layers keep nothing for one — no inputs, outputs or
    /// masks — so each activation is freed as soon as the next layer has read it, and memory
    /// holds a few activations instead of all of them. Independent of `training`: an
    /// eval-mode forward (frozen statistics) may still be differentiated.
    public var keepsForBackward: Bool
    /// When set, layers add the time of each forward and backward to it (`OpProfile`).
    public var profile: OpProfile?

    public init(training: Bool, rng: RNG = RNG(seed: 0), parallel: Parallel = Parallel(threads: 1),
                keepsForBackward: Bool = true, profile: OpProfile? = nil) {
        self.training = training
        self.rng = rng
        self.parallel = parallel
        self.keepsForBackward = keepsForBackward
        self.profile = profile
    }
}

/// A layer or a network. `forward` caches what `backward` needs; `backward` takes dL/dy,
/// adds parameter gradients into `Parameter.grad` and returns dL/dx — or nil when no
/// trainable parameter lies before this module, so nobody needs it.
///
/// Parameters, buffers and children are discovered by reflection on stored properties, so
/// the names in a state dict are the property names (`layer1.0.conv1.weight`) and nothing
/// lists them twice. Arrays of modules are numbered children ("0", "1", …).
public protocol Module: AnyObject {
    func forward(_ x: Tensor, _ ctx: Context) -> Tensor
    func backward(_ dy: Tensor, _ ctx: Context) -> Tensor?
    /// Children in state-dict order. The default reflects stored properties.
    var namedChildren: [(String, Module)] { get }
    /// This module's own parameters (not its children's). The default reflects stored properties.
    var ownParameters: [(String, Parameter)] { get }
    var ownBuffers: [(String, Buffer)] { get }
    /// Set by `Module.prepareBackward()`: false when everything before this module is frozen,
    /// so its input gradient is never needed.
    var needsInputGradient: Bool { get set }
}

extension Module {
    public var namedChildren: [(String, Module)] { reflectChildren(of: self).modules }
    public var ownParameters: [(String, Parameter)] { reflectChildren(of: self).parameters }
    public var ownBuffers: [(String, Buffer)] { reflectChildren(of: self).buffers }

    public func callAsFunction(_ x: Tensor, _ ctx: Context) -> Tensor { forward(x, ctx) }

    /// Every parameter, depth first, with dotted names ("layer1.0.conv1.weight").
    public func namedParameters(prefix: String = "") -> [(String, Parameter)] {
        var out = ownParameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in namedChildren { out += child.namedParameters(prefix: prefix + name + ".") }
        return out
    }

    public func namedBuffers(prefix: String = "") -> [(String, Buffer)] {
        var out = ownBuffers.map { (prefix + $0.0, $0.1) }
        for (name, child) in namedChildren { out += child.namedBuffers(prefix: prefix + name + ".") }
        return out
    }

    public var parameters: [Parameter] { namedParameters().map(\.1) }

    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Weights and buffers by name, as a state dict holds them (values, not copies).
    public func stateDict() -> [(String, Tensor)] {
        namedParameters().map { ($0.0, $0.1.value) } + namedBuffers().map { ($0.0, $0.1.value) }
    }

    public func zeroGrad() {
        for p in parameters { p.grad.zero() }
    }

    public var hasTrainableParameters: Bool { parameters.contains { $0.trainable } }
}

/// Stored properties of a module, sorted into parameters, buffers and child modules.
func reflectChildren(of object: AnyObject) -> (parameters: [(String, Parameter)], buffers: [(String, Buffer)], modules: [(String, Module)]) {
    var params: [(String, Parameter)] = []
    var buffers: [(String, Buffer)] = []
    var modules: [(String, Module)] = []
    var mirror: Mirror? = Mirror(reflecting: object)
    var levels: [Mirror] = []
    while let m = mirror { levels.insert(m, at: 0); mirror = m.superclassMirror }
    for level in levels {
        for child in level.children {
            guard let label = child.label else { continue }
            let name = label.hasPrefix("$__lazy_storage_$_") ? String(label.dropFirst(18)) : label
            collect(child.value, name: name, into: &params, &buffers, &modules)
        }
    }
    return (params, buffers, modules)
}

private func collect(_ value: Any, name: String, into params: inout [(String, Parameter)],
                     _ buffers: inout [(String, Buffer)], _ modules: inout [(String, Module)]) {
    switch value {
    case let p as Parameter: params.append((name, p))
    case let b as Buffer: buffers.append((name, b))
    case let m as Module: modules.append((name, m))
    case let list as [Module]:
        for (i, m) in list.enumerated() { modules.append((name.isEmpty ? "\(i)" : "\(name).\(i)", m)) }
    default:
        // Optionals: unwrap one level.
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional, let inner = mirror.children.first?.value {
            collect(inner, name: name, into: &params, &buffers, &modules)
        }
    }
}
