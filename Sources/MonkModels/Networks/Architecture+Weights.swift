// Building a network for a weights file: the layout the file needs (MobileNetV2 has two), the
// class count of its head, and loading it.
import MonkEngine
import MonkVocabulary

extension Architecture {
    /// Whether `file` needs Gluon's layout of this network rather than torchvision's: a Gluon
    /// mobilenet_v2 file, or a checkpoint of such a network (whose first block has the 1×1
    /// expansion, `features.1.conv.3`, that torchvision's lacks).
    public func needsGluonLayout(_ file: WeightsFile) -> Bool {
        guard self == .mobilenet_v2 else { return false }
        switch file {
        case .gluon: return true
        case .torch(let dict):
            return dict["features.1.conv.3.weight"] != nil || dict["module.features.1.conv.3.weight"] != nil
        }
    }

    /// A network built in the layout `file` needs, with its weights loaded.
    ///
    /// `numClasses` nil keeps the file's own head (its class count read from the file);
    /// otherwise the head has `numClasses` outputs and is freshly initialised when the file's
    /// differs. The random generator is used exactly as `build(numClasses:rng:)` uses it.
    public func build(loading file: WeightsFile, numClasses: Int?, rng: inout RNG) throws -> (ClassifierNetwork, WeightLoadReport) {
        let net = build(numClasses: numClasses ?? 1000, rng: &rng, gluonLayout: needsGluonLayout(file))
        let dict = try file.torchStateDict(for: net)
        if numClasses == nil, let headWeight = net.headParameterNames.first(where: { $0.hasSuffix("weight") }),
           let classes = dict[headWeight]?.shape.first, classes > 0, classes != net.numClasses {
            net.replaceHead(numClasses: classes, rng: &rng)
        }
        let report = try loadTorchStateDict(dict, into: net, head: numClasses == nil ? [] : net.headParameterNames)
        return (net, report)
    }
}
