// Concatenation along the channel (last) axis and its inverse, for DenseNet's dense blocks.

/// Joins tensors that agree on every axis but the last: `[…, C₁]`, `[…, C₂]` → `[…, C₁+C₂]`.
public func concatChannels(_ xs: [Tensor], parallel: Parallel = .serial) -> Tensor {
    precondition(!xs.isEmpty, "concatChannels needs at least one tensor")
    let lead = Array(xs[0].shape.dropLast())
    for x in xs { precondition(Array(x.shape.dropLast()) == lead, "concatChannels: \(x.shape) vs \(xs[0].shape)") }
    let widths = xs.map { $0.shape.last ?? 1 }
    let total = widths.reduce(0, +)
    let rows = lead.reduce(1, *)
    let y = Tensor(shape: lead + [total])
    parallel.chunks(rows, minChunk: max(1, 16_384 / max(1, total))) { range in
        for r in range {
            var offset = r * total
            for (x, c) in zip(xs, widths) {
                (y.data + offset).update(from: x.data + r * c, count: c)
                offset += c
            }
        }
    }
    return y
}

/// Cuts `[…, ΣCᵢ]` into pieces `[…, Cᵢ]` along the last axis: the backward of `concatChannels`.
public func splitChannels(_ dy: Tensor, sizes: [Int], parallel: Parallel = .serial) -> [Tensor] {
    let total = sizes.reduce(0, +)
    precondition(dy.rank >= 1 && dy.shape.last == total, "splitChannels: \(dy.shape) into \(sizes)")
    let lead = Array(dy.shape.dropLast())
    let rows = lead.reduce(1, *)
    let parts = sizes.map { Tensor(shape: lead + [$0]) }
    parallel.chunks(rows, minChunk: max(1, 16_384 / max(1, total))) { range in
        for r in range {
            var offset = r * total
            for (part, c) in zip(parts, sizes) {
                (part.data + r * c).update(from: dy.data + offset, count: c)
                offset += c
            }
        }
    }
    return parts
}
