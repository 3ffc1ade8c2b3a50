// Float32 tensors: a shape and a 64-byte-aligned buffer, nothing more.
import Foundation

/// A dense float32 tensor with reference semantics.
///
/// Memory layout decision: images are **NHWC** (channels-last). A k×k convolution then becomes
/// one GEMM whose rows are the N·H·W output pixels (the batch sits in the large GEMM dimension,
/// which OpenBLAS needs on small 7×7 and 14×14 maps) and a 1×1 convolution is a GEMM on the
/// activation buffer as it is, with no im2col copy at all. PyTorch itself trains ResNet-18 at
/// 224 px faster in channels_last (17 vs 13 img/s, docs/FACTS.md) for the same reasons.
///
/// Tensors are classes: layers cache them for backward and the optimiser updates parameters in
/// place, so copying must always be explicit (`copy()`).
public final class Tensor: @unchecked Sendable {
    public let shape: [Int]
    public let count: Int
    public let data: UnsafeMutablePointer<Float>

    /// A zero-filled tensor.
    public convenience init(shape: [Int]) {
        self.init(uninitializedShape: shape)
        data.initialize(repeating: 0, count: max(count, 1))
    }

    /// A tensor whose elements hold whatever the recycled buffer held: only for outputs that
    /// the caller overwrites completely. Zero-filling a 51 MB activation costs as much as a
    /// BatchNorm pass over it, and every layer output would pay it once more per step.
    public init(uninitializedShape shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        let raw = TensorStorage.allocate(bytes: max(count, 1) * MemoryLayout<Float>.stride)
        data = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    public convenience init(shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values for shape \(shape)")
        self.init(shape: shape)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    public convenience init(shape: [Int], repeating value: Float) {
        self.init(shape: shape)
        if value != 0 { data.update(repeating: value, count: count) }
    }

    deinit { TensorStorage.release(UnsafeMutableRawPointer(data), bytes: max(count, 1) * MemoryLayout<Float>.stride) }

    /// Hands cached tensor buffers back to the system; call between jobs of different sizes.
    public static func releaseCachedMemory() { TensorStorage.trim() }

    public var rank: Int { shape.count }
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: data, count: count) }
    public var array: [Float] { Array(buffer) }

    public subscript(_ i: Int) -> Float {
        get { data[i] }
        set { data[i] = newValue }
    }

    public func copy() -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// Same storage contents under a new shape (a copy: tensors never alias).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        let t = Tensor(uninitializedShape: newShape)
        t.data.update(from: data, count: count)
        return t
    }

    public func fill(_ value: Float) { data.update(repeating: value, count: count) }
    public func zero() { fill(0) }

    /// self += other, elementwise.
    public func add(_ other: Tensor) {
        precondition(other.count == count, "add: \(shape) vs \(other.shape)")
        for i in 0..<count { data[i] += other.data[i] }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = buffer.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(head)\(count > 8 ? ", …" : "")]"
    }
}
