// Turns a strided view into typed storage bytes into a contiguous Float32 tensor, checking
// every index against the storage before touching memory.
import MonkEngine

enum StridedTensorCopy {
    /// Copies `ref` out of storage bytes `bytes[byteStart ..< byteStart + byteCount]`.
    /// `name` is only used in errors.
    static func materialize(_ ref: TorchTensorRef, name: String, bytes: [UInt8], byteStart: Int, byteCount: Int) throws -> Tensor {
        let dtype = ref.storage.dtype
        guard byteStart >= 0, byteCount >= 0, byteStart <= bytes.count, byteCount <= bytes.count - byteStart else {
            throw WeightFileError.truncated(what: "storage of \"\(name)\"", needed: byteCount, available: max(bytes.count - byteStart, 0))
        }
        let storageCount = byteCount / dtype.byteSize
        guard ref.shape.count == ref.strides.count, ref.shape.count <= 16 else {
            throw WeightFileError.malformed("\"\(name)\" has shape \(ref.shape) but strides \(ref.strides)")
        }
        guard ref.shape.allSatisfy({ $0 >= 0 }), ref.strides.allSatisfy({ $0 >= 0 }), ref.storageOffset >= 0 else {
            throw WeightFileError.malformed("\"\(name)\" has negative sizes, strides or offset (\(ref.shape), \(ref.strides), \(ref.storageOffset))")
        }
        // numel and the last element's index, with overflow checks: a hostile shape must not
        // wrap around into a small allocation with out-of-range indices.
        var numel = 1, lastIndex = ref.storageOffset
        for (size, stride) in zip(ref.shape, ref.strides) {
            let (n, o1) = numel.multipliedReportingOverflow(by: size)
            guard !o1 else { throw WeightFileError.limitExceeded("\"\(name)\" has absurd shape \(ref.shape)") }
            numel = n
            if size > 0 {
                let (span, o2) = (size - 1).multipliedReportingOverflow(by: stride)
                let (sum, o3) = lastIndex.addingReportingOverflow(span)
                guard !o2, !o3 else { throw WeightFileError.limitExceeded("\"\(name)\" has absurd strides \(ref.strides)") }
                lastIndex = sum
            }
        }
        guard numel > 0 else { return Tensor(shape: ref.shape) }
        // Storage views (legacy format) start inside their root storage.
        let (firstIndex, o4) = ref.storage.elementOffset.addingReportingOverflow(ref.storageOffset)
        let (endIndex, o5) = ref.storage.elementOffset.addingReportingOverflow(lastIndex)
        guard !o4, !o5, endIndex < storageCount else {
            throw WeightFileError.truncated(what: "tensor \"\(name)\" (shape \(ref.shape), elements up to \(endIndex))",
                                            needed: (endIndex + 1) * dtype.byteSize, available: byteCount)
        }
        // Overlapping views (stride 0) could declare far more elements than stored; state
        // dicts never hold them, and refusing them bounds the allocation by the file size.
        guard numel <= storageCount else {
            throw WeightFileError.unsupported("\"\(name)\" has \(numel) elements but its storage holds \(storageCount) (overlapping strides)")
        }
        let out = Tensor(shape: ref.shape)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + byteStart
            if isContiguous(ref.shape, ref.strides), dtype == .float32, UInt32(littleEndian: 1) == 1 {
                UnsafeMutableRawPointer(out.data).copyMemory(from: base + firstIndex * 4, byteCount: numel * 4)
            } else if isContiguous(ref.shape, ref.strides) {
                for i in 0..<numel { out.data[i] = dtype.load(base, firstIndex + i) }
            } else {
                gather(ref, dtype: dtype, base: base, first: firstIndex, into: out.data)
            }
        }
        return out
    }

    static func isContiguous(_ shape: [Int], _ strides: [Int]) -> Bool {
        var expected = 1
        for (size, stride) in zip(shape, strides).reversed() where size != 1 {
            if stride != expected { return false }
            expected *= size
        }
        return true
    }

    /// An odometer over all dimensions but one, and a strided inner loop over the dimension
    /// with the smallest source stride, so that reads stay sequential (the EfficientNet file
    /// stores every convolution weight permuted; writes then scatter instead).
    private static func gather(_ ref: TorchTensorRef, dtype: WeightDType, base: UnsafeRawPointer, first: Int, into out: UnsafeMutablePointer<Float>) {
        let shape = ref.shape, strides = ref.strides
        let outStrides = contiguousStrides(shape)
        let innerDim = shape.indices.filter { shape[$0] > 1 }.min { strides[$0] < strides[$1] } ?? shape.count - 1
        let outer = shape.indices.filter { $0 != innerDim }
        let inner = shape[innerDim], readStride = strides[innerDim], writeStride = outStrides[innerDim]
        let rows = outer.reduce(1) { $0 * shape[$1] }
        var index = [Int](repeating: 0, count: outer.count)
        var source = first, target = 0
        for _ in 0..<rows {
            if dtype == .float32 {
                var p = base + source * 4
                for j in 0..<inner {
                    out[target + j * writeStride] = Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                    p += readStride * 4
                }
            } else {
                for j in 0..<inner { out[target + j * writeStride] = dtype.load(base, source + j * readStride) }
            }
            var k = outer.count - 1
            while k >= 0 {
                let d = outer[k]
                index[k] += 1
                source += strides[d]
                target += outStrides[d]
                if index[k] < shape[d] { break }
                source -= strides[d] * shape[d]
                target -= outStrides[d] * shape[d]
                index[k] = 0
                k -= 1
            }
        }
    }
}
