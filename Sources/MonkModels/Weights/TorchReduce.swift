// What REDUCE means for each allow-listed global: the torch tensor rebuild functions become
// `TorchTensorRef` descriptions; nothing is called.

enum TorchReduce {
    /// Applies `function` to the unpickled `args` as torch would, producing a description
    /// instead of an object.
    static func apply(_ function: TorchGlobal, _ args: [PickleValue]) throws -> PickleValue {
        switch function {
        case .orderedDict:
            // `OrderedDict()` — the items follow with SETITEMS.
            guard args.isEmpty else { throw WeightFileError.unsupported("OrderedDict built from \(args.count) arguments") }
            return .dict([])
        case .rebuildTensorV2:
            // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
            //                    backward_hooks[, metadata])
            guard args.count >= 4, case let .storage(storage) = args[0], let offset = args[1].intValue,
                  let shape = args[2].intArray, let strides = args[3].intArray else {
                throw WeightFileError.malformed("_rebuild_tensor_v2 with arguments (\(args.map(\.kind).joined(separator: ", ")))")
            }
            return .tensor(TorchTensorRef(storage: storage, storageOffset: offset, shape: shape, strides: strides))
        case .rebuildParameter, .rebuildParameterWithState:
            // _rebuild_parameter(data, requires_grad, backward_hooks[, state]): the data is the tensor.
            guard let first = args.first, case .tensor = first else {
                throw WeightFileError.malformed("_rebuild_parameter without a tensor")
            }
            return first
        case .storageClass(let dtype):
            throw WeightFileError.unsupported("constructing a \(dtype) storage inside a pickle")
        }
    }
}
