// Moves weights between a PyTorch-layout StateDict and an engine Module by name and shape:
// OIHW↔OHWI for convolutions, old DenseNet names, num_batches_tracked, and a replaceable head.
import MonkEngine

/// What `loadTorchStateDict` did.
public struct WeightLoadReport: Sendable, Equatable {
    /// Module tensors that took their values from the file.
    public var loaded: [String] = []
    /// Head tensors that kept their fresh initialisation because the file's shape differs
    /// (another class count) or the file lacks them.
    public var replaced: [String] = []
    /// File tensors deliberately not used: `num_batches_tracked`, and the file's own head
    /// tensors that have no counterpart in the module.
    public var ignored: [String] = []
    /// Fixed input statistics (a pre-activation ResNet's `bn_data`) the file lacks: they stay
    /// 0/1, the identity, which is what networks saved before the layer existed computed.
    public var keptIdentity: [String] = []
}

/// A state dict that does not fit a module. Lists every problem at once, by name.
public struct StateDictMismatch: Error, CustomStringConvertible, Equatable {
    public struct ShapeMismatch: Sendable, Equatable {
        public let name: String
        /// Both in PyTorch layout.
        public let expected: [Int], found: [Int]
    }
    public var missing: [String] = []
    public var unexpected: [String] = []
    public var shapeMismatches: [ShapeMismatch] = []

    public var description: String {
        func list(_ names: [String]) -> String {
            names.prefix(12).joined(separator: ", ") + (names.count > 12 ? ", … (\(names.count) in all)" : "")
        }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing from the file: \(list(missing))") }
        if !unexpected.isEmpty { parts.append("in the file but not in the network: \(list(unexpected))") }
        if !shapeMismatches.isEmpty {
            parts.append("wrong shape: " + list(shapeMismatches.map { "\($0.name) (network \($0.expected), file \($0.found))" }))
        }
        return "weights do not fit the network — " + parts.joined(separator: "; ")
    }
}

/// Weights that fit the network by name and shape but hold values no network can use: NaN or
/// ±Inf anywhere (a diverged training run, a damaged file), or a negative BatchNorm running
/// variance (the square root of it is taken). Loading such a file would turn every output
/// into NaN and every probability into "nan%".
public struct UnusableWeights: Error, CustomStringConvertible, Equatable {
    /// Tensor names with how many values are not finite.
    public var nonFinite: [(name: String, count: Int)] = []
    /// Running-variance tensors with how many values are negative.
    public var negativeVariance: [(name: String, count: Int)] = []

    public static func == (a: UnusableWeights, b: UnusableWeights) -> Bool {
        a.nonFinite.map(\.name) == b.nonFinite.map(\.name) && a.nonFinite.map(\.count) == b.nonFinite.map(\.count)
            && a.negativeVariance.map(\.name) == b.negativeVariance.map(\.name) && a.negativeVariance.map(\.count) == b.negativeVariance.map(\.count)
    }

    public var description: String {
        func list(_ items: [(name: String, count: Int)]) -> String {
            items.prefix(8).map { "\(TerminalText.escaped($0.name)) (\($0.count))" }.joined(separator: ", ")
                + (items.count > 8 ? ", … (\(items.count) tensors in all)" : "")
        }
        var parts: [String] = []
        if !nonFinite.isEmpty { parts.append("NaN or infinite values in " + list(nonFinite)) }
        if !negativeVariance.isEmpty { parts.append("negative running variance in " + list(negativeVariance)) }
        return "refusing the weights: " + parts.joined(separator: "; ")
            + " — they would make every output NaN (a diverged training run or a damaged file)"
    }

    /// Checks the tensors that are about to be loaded; nil when every value is usable.
    static func check(_ tensors: [(name: String, tensor: Tensor)]) -> UnusableWeights? {
        var found = UnusableWeights()
        for (name, t) in tensors {
            let values = UnsafeBufferPointer(start: t.data, count: t.count)
            let bad = values.reduce(0) { $0 + ($1.isFinite ? 0 : 1) }
            if bad > 0 { found.nonFinite.append((name, bad)) }
            if name == "running_var" || name.hasSuffix(".running_var") {
                let negative = values.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
                if negative > 0 { found.negativeVariance.append((name, negative)) }
            }
        }
        return found.nonFinite.isEmpty && found.negativeVariance.isEmpty ? nil : found
    }
}

/// The module's weights and buffers in PyTorch's layout and order (per module: parameters,
/// buffers, then children), so that the file loads with `load_state_dict` in PyTorch:
/// convolution weights become OIHW, and every BatchNorm gets the int64 `num_batches_tracked`
/// PyTorch expects (0: the engine does not count batches). Tensors are copies.
public func torchStateDict(of module: Module) -> StateDict {
    var dict = StateDict()
    for slot in weightSlots(of: module) {
        // Names come from distinct stored properties, so they cannot repeat.
        if slot.isBatchCounter {
            try! dict.append(slot.name, Tensor(shape: []), dtype: .int64)
        } else {
            try! dict.append(slot.name, slot.isConvWeight ? Conv2D.toTorchLayout(slot.tensor) : slot.tensor.copy())
        }
    }
    return dict
}

/// Copies a PyTorch-layout state dict into `module`, matching tensors by name and shape.
///
/// `head` lists module paths or tensor names of the classifier ("fc", "classifier.1"): their
/// tensors may be absent from the file or differ in shape (another class count) and then keep
/// their fresh initialisation. Any other missing, unexpected or mis-shaped tensor is an error
/// naming it, and nothing is copied unless everything fits. Accepts torchvision's old DenseNet
/// names (`norm.1.weight` for `norm1.weight`) and a DataParallel `module.` prefix.
@discardableResult
public func loadTorchStateDict(_ dict: StateDict, into module: Module, head: [String] = []) throws -> WeightLoadReport {
    func isHead(_ name: String) -> Bool { head.contains { name == $0 || name.hasPrefix($0 + ".") } }
    var report = WeightLoadReport()
    let file = try normalizedNames(dict, ignored: &report.ignored)
    var mismatch = StateDictMismatch()
    var used = Set<String>()
    var copies: [(Tensor, Tensor, Bool)] = []  // destination, source, needs OIHW → OHWI
    for slot in weightSlots(of: module) where !slot.isBatchCounter {
        let expected = slot.isConvWeight ? torchLayoutShape(slot.tensor.shape) : slot.tensor.shape
        guard let source = file[slot.name] else {
            if isHead(slot.name) {
                report.replaced.append(slot.name)
            } else if slot.isFixedStatistic {
                report.keptIdentity.append(slot.name)
            } else {
                mismatch.missing.append(slot.name)
            }
            continue
        }
        used.insert(slot.name)
        guard source.shape == expected else {
            if isHead(slot.name) { report.replaced.append(slot.name) } else {
                mismatch.shapeMismatches.append(.init(name: slot.name, expected: expected, found: source.shape))
            }
            continue
        }
        copies.append((slot.tensor, source, slot.isConvWeight))
        report.loaded.append(slot.name)
    }
    for name in file.names where !used.contains(name) {
        if isHead(name) { report.ignored.append(name) } else { mismatch.unexpected.append(name) }
    }
    guard mismatch.missing.isEmpty, mismatch.unexpected.isEmpty, mismatch.shapeMismatches.isEmpty else { throw mismatch }
    if let unusable = UnusableWeights.check(zip(report.loaded, copies).map { ($0, $1.1) }) { throw unusable }
    for (destination, source, isConv) in copies {
        let value = isConv ? Conv2D.fromTorchLayout(source) : source
        destination.data.update(from: value.data, count: destination.count)
    }
    return report
}

// MARK: - Names and slots

/// One tensor of a module as it appears in a PyTorch state dict.
struct WeightSlot {
    let name: String
    let tensor: Tensor
    /// A `Conv2D.weight`: OHWI in the engine, OIHW in files.
    let isConvWeight: Bool
    /// BatchNorm's `num_batches_tracked`, which exists only in files.
    let isBatchCounter: Bool
    /// A `FixedBatchNorm2D` statistic, which older files of the same network lack.
    var isFixedStatistic = false
}

func weightSlots(of module: Module, prefix: String = "") -> [WeightSlot] {
    var slots = module.ownParameters.map {
        WeightSlot(name: prefix + $0.0, tensor: $0.1.value, isConvWeight: module is Conv2D && $0.0 == "weight", isBatchCounter: false)
    }
    let buffers = module.ownBuffers
    slots += buffers.map {
        WeightSlot(name: prefix + $0.0, tensor: $0.1.value, isConvWeight: false, isBatchCounter: false,
                   isFixedStatistic: module is FixedBatchNorm2D)
    }
    if buffers.contains(where: { $0.0 == "running_mean" }) && buffers.contains(where: { $0.0 == "running_var" }) {
        slots.append(WeightSlot(name: prefix + "num_batches_tracked", tensor: Tensor(shape: []), isConvWeight: false, isBatchCounter: true))
    }
    for (name, child) in module.namedChildren { slots += weightSlots(of: child, prefix: prefix + name + ".") }
    return slots
}

/// `[O, H, W, I]` → `[O, I, H, W]`.
func torchLayoutShape(_ ohwi: [Int]) -> [Int] { [ohwi[0], ohwi[3], ohwi[1], ohwi[2]] }

/// The file's names as the module spells them; `num_batches_tracked` goes to `ignored`.
func normalizedNames(_ dict: StateDict, ignored: inout [String]) throws -> StateDict {
    let stripModule = !dict.isEmpty && dict.names.allSatisfy { $0.hasPrefix("module.") }
    return try dict.renamed { original in
        if original == "num_batches_tracked" || original.hasSuffix(".num_batches_tracked") {
            ignored.append(original)
            return nil
        }
        let name = stripModule ? String(original.dropFirst("module.".count)) : original
        return modernDenseNetName(name)
    }
}

/// torchvision's DenseNet checkpoints were saved when layers were named `norm.1`, `conv.2`;
/// torchvision itself renames `….denselayerN.(norm|relu|conv).(1|2).(weight|bias|running_*)`
/// to `norm1`, `conv2`, … when loading them.
func modernDenseNetName(_ name: String) -> String {
    var parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 4 else { return name }
    let i = parts.count - 4
    guard parts[i].hasPrefix("denselayer"), ["norm", "relu", "conv"].contains(parts[i + 1]),
          ["1", "2"].contains(parts[i + 2]),
          ["weight", "bias", "running_mean", "running_var"].contains(parts[i + 3]) else { return name }
    parts[i + 1] += parts[i + 2]
    parts.remove(at: i + 2)
    return parts.joined(separator: ".")
}
