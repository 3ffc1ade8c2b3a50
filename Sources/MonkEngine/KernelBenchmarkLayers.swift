// `monkpipe bench --kernels layers`: the memory-bound passes of a ResNet-18 training step at
// 128 px, batch 16, each next to a plain copy of the same tensor (the floor for a pass that
// reads and writes every element once), and the optimizer step over ResNet-18's weights.
import Foundation
import MonkVocabulary

extension KernelBenchmark {
    static let layerShapes: [(name: String, shape: [Int])] = [
        ("stem", [16, 64, 64, 64]), ("layer1", [16, 32, 32, 64]), ("layer4", [16, 4, 4, 512]),
    ]

    static func memoryBound(_ timer: KernelTimer, _ parallel: Parallel, _ progress: (String) -> Void) throws -> [KernelTiming] {
        let ctx = Context(training: true, parallel: parallel)
        var out: [KernelTiming] = layerShapes.map { name, shape in
            progress(name)
            let c = shape.last!
            let x = random(shape, seed: 1), dy = random(shape, seed: 2), r = random(shape, seed: 3)
            let bn = BatchNorm2D(channels: c), bnReLU = BatchNorm2D(channels: c, activation: .relu)
            let pool = MaxPool2D(kernelSize: 3, stride: 2, padding: 1)
            let pdy = random(pool.forward(x, ctx).shape, seed: 4)
            let y = x.copy()
            let half = random(Array(shape.dropLast()) + [c / 2], seed: 5)
            let rows: [(String, () -> Void)] = [
                ("copy", { _ = x.copy() }),
                ("BN fwd", { _ = bn.forward(x, ctx) }),
                ("BN bwd", { _ = bn.backward(dy, ctx) }),
                ("BN+ReLU fwd", { _ = bnReLU.forward(x, ctx) }),
                ("BN+ReLU bwd", { _ = bnReLU.backward(dy, ctx) }),
                // ResNet v1's block end: BN, then add and ReLU in place, against the fused pass.
                ("BN then add+ReLU", { Elementwise.addReLU(r, into: bn.forward(x, ctx), parallel: ctx.parallel) }),
                ("BN+add+ReLU fused", { _ = bn.forward(x, addingThenReLU: r, ctx) }),
                ("add", { Elementwise.add(r, into: y, parallel: ctx.parallel) }),
                ("ReLU mask", { _ = Elementwise.clampGradient(dy, output: x, parallel: ctx.parallel) }),
                ("max pool 3/2 fwd", { _ = pool.forward(x, ctx) }),
                ("max pool 3/2 bwd", { _ = pool.backward(pdy, ctx) }),
                ("concat 2 halves", { _ = concatChannels([half, half], parallel: ctx.parallel) }),
                ("split in 2", { _ = splitChannels(dy, sizes: [c / 2, c - c / 2], parallel: ctx.parallel) }),
            ]
            return KernelTiming(suite: .layers, name: name, shape: shape, threads: parallel.threads, clock: timer.clock,
                                measurements: rows.map { .init(what: $0.0, ms: timer.best($0.1)) })
        }
        progress("SGD step")
        out.append(try optimizerStep(timer, parallel))
        return out
    }

    /// One SGD-momentum step over tensors the sizes of ResNet-18's weights (2-class head):
    /// zeroing the gradients as a separate pass plus the step, against the step that zeroes
    /// them as it reads them (what training does).
    static func optimizerStep(_ timer: KernelTimer, _ parallel: Parallel) throws -> KernelTiming {
        var sizes = [64 * 3 * 49] + Array(repeating: 64 * 64 * 9, count: 4)
        for (c, s) in [(128, 64), (256, 128), (512, 256)] {
            sizes += [c * s * 9] + Array(repeating: c * c * 9, count: 3) + [c * s]
        }
        sizes += [2 * 512, 2] + Array(repeating: 64, count: 10) + Array(repeating: 128, count: 10)
            + Array(repeating: 256, count: 10) + Array(repeating: 512, count: 10)
        let params = sizes.enumerated().map { i, n in
            ("p\(i)", Parameter(random([n], seed: UInt64(i))))
        }
        for (_, p) in params { p.grad.data.update(repeating: 0.001, count: p.grad.count) }
        var optimizer = try Optimizer(.sgd(SGDConfig(lr: 0.01, momentum: 0.9)))
        try optimizer.step(params, parallel: parallel)
        let zero = timer.best { for (_, p) in params { p.grad.zero() } }
        let step = try timer.best { try optimizer.step(params, parallel: parallel) }
        let fused = try timer.best { try optimizer.step(params, parallel: parallel, zeroingGradients: true) }
        let count = sizes.reduce(0, +)
        return KernelTiming(suite: .layers, name: "SGD momentum step", shape: [count], threads: parallel.threads, clock: timer.clock,
                            measurements: [.init(what: "zero grads", ms: zero), .init(what: "step", ms: step),
                                           .init(what: "step zeroing grads", ms: fused)])
    }
}
