// Maps the parameter names of an MXNet Gluon `.params` file onto a monkpipe network's
// PyTorch-layout names, in any of Gluon's three name styles.
import MonkEngine

/// How a `.params` file names its arrays.
public enum GluonNameStyle: String, Sendable, CaseIterable {
    /// `save_parameters`: the block structure, `features.5.0.conv1.weight`.
    case structural
    /// `collect_params().save` (and the model zoo's older files): counters per name scope,
    /// `resnetv20_stage1_conv0_weight`, with or without the model's prefix.
    case prefixed
    /// `export`: the prefixed names behind `arg:` (parameters) and `aux:` (running statistics).
    case export
}

/// A Gluon file that does not fit the network it is loaded into.
public enum GluonWeightsError: Error, CustomStringConvertible, Equatable {
    /// The network has no Gluon counterpart that monkpipe maps (`why` says what differs).
    case noGluonLayout(network: String, why: String)
    /// The file's names are not those of Gluon's model for this network.
    case mismatch(network: String, style: GluonNameStyle, missing: [String], unexpected: [String])

    public var description: String {
        switch self {
        case let .noGluonLayout(network, why):
            return "cannot load an MXNet Gluon file into \(network): \(why)"
        case let .mismatch(network, style, missing, unexpected):
            func list(_ names: [String]) -> String {
                names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", … (\(names.count) in all)" : "")
            }
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing: \(list(missing))") }
            if !unexpected.isEmpty { parts.append("not in Gluon's \(network): \(list(unexpected))") }
            return "the MXNet file (\(style.rawValue) names) is not Gluon's \(network) — " + parts.joined(separator: "; ")
        }
    }
}

/// One layer of a Gluon model: where its arrays are in each name style, and which monkpipe
/// module (PyTorch-layout name) receives them.
struct GluonLayer: Equatable {
    enum Kind: Equatable {
        case conv(bias: Bool)
        case batchNorm
        /// `BatchNorm(scale=False, center=False)`: gamma is ignored (MXNet fixes it at 1), beta
        /// is folded into the mean; only running statistics land in the network.
        case inputNorm
        case dense
        /// A 1×1 convolution without bias used as the classifier (MobileNetV2): becomes a
        /// Linear weight and a zero bias.
        case convClassifier
    }
    let kind: Kind
    let structural: String
    let prefixed: String
    let target: String

    /// Gluon's array suffixes for this layer.
    var suffixes: [String] {
        switch kind {
        case .conv(let bias): bias ? ["weight", "bias"] : ["weight"]
        case .batchNorm, .inputNorm: ["gamma", "beta", "running_mean", "running_var"]
        case .dense: ["weight", "bias"]
        case .convClassifier: ["weight"]
        }
    }
}

/// Collects a model's layers in Gluon's creation order, numbering the prefixed names per
/// scope as Gluon's name manager does (`conv0`, `batchnorm0`, `conv1`, …).
struct GluonLayoutBuilder {
    private(set) var layers: [GluonLayer] = []
    private var counters: [String: Int] = [:]
    /// The current name scope, e.g. `stage1_` (empty at the model's top level).
    var scope = ""

    private mutating func next(_ base: String) -> String {
        let key = scope + "\u{0}" + base
        let n = counters[key, default: 0]
        counters[key] = n + 1
        return scope + base + String(n)
    }

    mutating func conv(_ structural: String, _ target: String, bias: Bool = false) {
        layers.append(GluonLayer(kind: .conv(bias: bias), structural: structural, prefixed: next("conv"), target: target))
    }
    mutating func batchNorm(_ structural: String, _ target: String) {
        layers.append(GluonLayer(kind: .batchNorm, structural: structural, prefixed: next("batchnorm"), target: target))
    }
    mutating func inputNorm(_ structural: String, _ target: String) {
        layers.append(GluonLayer(kind: .inputNorm, structural: structural, prefixed: next("batchnorm"), target: target))
    }
    mutating func dense(_ structural: String, _ target: String) {
        layers.append(GluonLayer(kind: .dense, structural: structural, prefixed: next("dense"), target: target))
    }
    /// A layer created with an explicit prefix (`prefix='pred_'`), not counted.
    mutating func convClassifier(_ structural: String, prefixed: String, _ target: String) {
        layers.append(GluonLayer(kind: .convClassifier, structural: structural, prefixed: prefixed, target: target))
    }
}

public enum GluonWeights {
    /// The name style of a file's names: `arg:`/`aux:` prefixes, dotted paths, or neither.
    static func style(of names: [String]) -> GluonNameStyle {
        if !names.isEmpty, names.allSatisfy({ $0.hasPrefix("arg:") || $0.hasPrefix("aux:") }) { return .export }
        return names.contains { $0.contains(".") } ? .structural : .prefixed
    }

    /// `params` (a `.params` file as stored) renamed and reshaped into `network`'s
    /// PyTorch-layout state dict, ready for `loadTorchStateDict`. Every array of Gluon's model
    /// must be present and nothing else; shapes are checked when the result is loaded.
    public static func torchStateDict(from params: StateDict, for network: Module) throws -> StateDict {
        let layers = try gluonLayers(of: network)
        let style = style(of: params.names)
        // Gluon's names → the file's own spelling of them.
        var fileNames: [String: String] = [:]
        switch style {
        case .structural:
            for name in params.names { fileNames[name] = name }
        case .prefixed, .export:
            let stripped = params.names.map { style == .export ? String($0.dropFirst(4)) : $0 }
            let expected = Set(layers.flatMap { l in l.suffixes.map { "\(l.prefixed)_\($0)" } })
            // Files saved with the model's prefix (`resnetv20_`) carry it on every name; the
            // model zoo's files were saved without it.
            let modelPrefix = commonModelPrefix(stripped, expected: expected)
            for (original, name) in zip(params.names, stripped) {
                fileNames[String(name.dropFirst(modelPrefix.count))] = original
            }
        }
        var out = StateDict()
        var missing: [String] = []
        var used = Set<String>()
        func take(_ layer: GluonLayer, _ suffix: String) -> Tensor? {
            let gluonName = style == .structural ? "\(layer.structural).\(suffix)" : "\(layer.prefixed)_\(suffix)"
            guard let original = fileNames[gluonName], let tensor = params[original] else {
                missing.append(gluonName)
                return nil
            }
            used.insert(original)
            return tensor
        }
        for layer in layers {
            let arrays = layer.suffixes.map { take(layer, $0) }
            guard arrays.allSatisfy({ $0 != nil }) else { continue }
            let t = arrays.compactMap { $0 }
            switch layer.kind {
            case .conv, .dense:
                for (suffix, tensor) in zip(layer.suffixes, t) { try out.append("\(layer.target).\(suffix)", tensor) }
            case .batchNorm:
                try out.append("\(layer.target).weight", t[0])
                try out.append("\(layer.target).bias", t[1])
                try out.append("\(layer.target).running_mean", t[2])
                try out.append("\(layer.target).running_var", t[3])
            case .inputNorm:
                try out.append("\(layer.target).running_mean", foldShift(beta: t[1], mean: t[2], variance: t[3], layer: layer))
                try out.append("\(layer.target).running_var", t[3])
            case .convClassifier:
                let w = t[0]
                guard w.rank == 4, w.shape[2] == 1, w.shape[3] == 1 else {
                    throw WeightFileError.malformed("\(layer.structural).weight has shape \(w.shape), not a 1×1 convolution")
                }
                try out.append("\(layer.target).weight", w.reshaped([w.shape[0], w.shape[1]]))
                try out.append("\(layer.target).bias", Tensor(shape: [w.shape[0]]))
            }
        }
        let unexpected = params.names.filter { !used.contains($0) }
        guard missing.isEmpty, unexpected.isEmpty else {
            throw GluonWeightsError.mismatch(network: networkName(network), style: style, missing: missing, unexpected: unexpected)
        }
        return out
    }

    /// The model prefix every name carries (`resnetv20_`), or "" when the names are already
    /// Gluon's unprefixed ones.
    static func commonModelPrefix(_ names: [String], expected: Set<String>) -> String {
        guard let first = names.first, !names.allSatisfy(expected.contains),
              let underscore = first.firstIndex(of: "_") else { return "" }
        let prefix = String(first[...underscore])
        return names.allSatisfy { $0.hasPrefix(prefix) } ? prefix : ""
    }

    /// y = (x − mean)/√(var + eps) + beta equals (x − (mean − beta·√(var + eps)))/√(var + eps),
    /// so a non-zero beta (Gluon keeps it, untrained, at 0) moves into the mean exactly.
    static func foldShift(beta: Tensor, mean: Tensor, variance: Tensor, layer: GluonLayer) throws -> Tensor {
        guard beta.shape == mean.shape, variance.shape == mean.shape else {
            throw WeightFileError.malformed("\(layer.structural): beta \(beta.shape), running_mean \(mean.shape), running_var \(variance.shape)")
        }
        let out = mean.copy()
        for i in 0..<out.count where beta[i] != 0 {
            out[i] = mean[i] - beta[i] * (max(variance[i], 0) + 1e-5).squareRoot()
        }
        return out
    }
}
