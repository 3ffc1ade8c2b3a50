// `monkpipe bench --kernels conv`, `--kernels winograd` and `--kernels polyphase`: convolution
// layers on ResNet shapes against raw sgemm on the same products, the phases of a Winograd
// forward, and those of a polyphase (3×3 stride 2) forward and backward.
import CKernels

extension KernelBenchmark {
    /// Forward and backward of each shape with im2col + GEMM, (3×3, stride 1) Winograd and (3×3,
    /// stride 2) polyphase in both passes and as automatic mode picks per pass, timed in turns, and
    /// single-threaded sgemm on the im2col products' M/N/K: forward C[M,N] = A[M,K]·B[N,K]ᵀ,
    /// backward dW[N,K] += Cᵀ·A and dA[M,K] = C·B.
    static func convolutions(_ timer: KernelTimer, _ parallel: Parallel, _ progress: (String) -> Void) -> [KernelTiming] {
        let ctx = Context(training: true, parallel: parallel)
        return convShapes.map { s in
            progress(s.name)
            func makeConv() -> Conv2D {
                var rng = RNG(seed: 1)
                return Conv2D(inChannels: s.input[3], outChannels: s.out, kernelSize: s.kernel, stride: s.stride,
                              padding: s.padding, groups: s.groups, bias: false, rng: &rng)
            }
            let x = random(s.input, seed: 2)
            let g = makeConv().geometry(x.shape)
            let flops = 2.0 * Double(g.rows) * Double(g.og) * Double(g.patch) * Double(g.groups)
            func rate(_ f: Double, _ ms: Double) -> Double { f / ms * 1e-6 }
            var out: [KernelTiming.Measurement] = []
            var algorithms: [ConvAlgorithm] = [.im2col]
            if ConvWinograd.applies(g) { algorithms += [.winograd, .winograd4] }
            if ConvPolyphase.applies(g) { algorithms += [.polyphase, .automatic] }
            // Each algorithm its own layer (a backward needs its own forward's state), timed in
            // turns so that a slow spell of a shared machine does not fall on one of them only.
            var bodies: [() -> Void] = []
            for algorithm in algorithms {
                let conv = makeConv()
                conv.algorithm = algorithm
                let dy = random(g.outputShape, seed: 3)
                bodies.append { _ = conv.forward(x, ctx) }
                bodies.append { _ = conv.backward(dy, ctx) }
            }
            let times = timer.interleaved(bodies)
            for (i, algorithm) in algorithms.enumerated() {
                let fwd = times[2 * i], bwd = times[2 * i + 1]
                out.append(.init(what: "\(algorithm.rawValue) fwd", ms: fwd, gflops: rate(flops, fwd)))
                out.append(.init(what: "\(algorithm.rawValue) bwd", ms: bwd, gflops: rate(2 * flops, bwd)))
            }
            if s.groups == 1 {
                let (m, n, k) = (g.rows, g.o, g.patch)
                let a = random([m, k], seed: 4), b = random([n, k], seed: 5), c = Tensor(shape: [m, n])
                let dW = Tensor(shape: [n, k]), dA = Tensor(shape: [m, k])
                let fwd = timer.best {
                    BLAS.gemm(transB: true, m: m, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: k, c: c.data, ldc: n)
                }
                let bwd = timer.best {
                    BLAS.gemm(transA: true, m: n, n: k, k: m, a: c.data, lda: n, b: a.data, ldb: k, beta: 1, c: dW.data, ldc: k)
                    BLAS.gemm(m: m, n: k, k: n, a: c.data, lda: n, b: b.data, ldb: k, c: dA.data, ldc: k)
                }
                out.append(.init(what: "sgemm fwd (1 thread)", ms: fwd, gflops: rate(flops, fwd)))
                out.append(.init(what: "sgemm bwd (1 thread)", ms: bwd, gflops: rate(2 * flops, bwd)))
            }
            return KernelTiming(suite: .conv, name: s.name, shape: s.input, threads: parallel.threads, clock: timer.clock, measurements: out)
        }
    }

    /// One thread: for each 3×3 stride-1 shape and chunks of 64, 128 and 256 tiles, the filter
    /// transform, and the input transform, the 16 GEMMs (filters stored transposed, and not)
    /// and the output transform of every chunk of the layer.
    static func winogradPhases(_ timer: KernelTimer, _ progress: (String) -> Void) -> [KernelTiming] {
        var out: [KernelTiming] = []
        for s in convShapes where s.kernel == 3 && s.stride == 1 && s.groups == 1 {
            progress(s.name)
            let g = ConvGeometry(input: s.input, outChannels: s.out, kernel: 3, stride: 1, padding: s.padding, groups: 1)
            let tiles = ConvWinograd.Tiles(g, .f2)
            let x = random(s.input, seed: 2), w = random([g.o, 3, 3, g.c], seed: 3)
            let y = Tensor(shape: g.outputShape)
            for per in [64, 128, 256] {
                // Planes padded by a cache line, as the layer lays them out.
                let uP = ConvWinograd.plane(g.o * g.c), vP = ConvWinograd.plane(per * g.c), mP = ConvWinograd.plane(per * g.o)
                let u = Tensor(shape: [16 * uP]), v = Tensor(shape: [16 * vP]), m = Tensor(shape: [16 * mP])
                let zeros = Tensor(shape: [max(g.c, g.o)]), sink = Tensor(shape: [16, max(g.c, g.o)])
                let edges = ConvWinograd.Edges(zeros: zeros.data, sink: sink.data)
                let chunks = stride(from: 0, to: tiles.count, by: per).map { $0..<min($0 + per, tiles.count) }
                let filters = timer.best {
                    ConvWinograd.transformFilters(w.data, into: u.data, plane: uP, g, .f2, parallel: .serial)
                }
                let input = timer.best {
                    for c in chunks { ConvWinograd.transformInput(x.data, g, tiles, c, into: v.data, plane: vP, edges) }
                }
                let gemm = timer.best {
                    for c in chunks {
                        for p in 0..<16 {
                            BLAS.gemm(transB: true, m: c.count, n: g.o, k: g.c, a: v.data + p * vP, lda: g.c,
                                      b: u.data + p * uP, ldb: g.c, beta: 0, c: m.data + p * mP, ldc: g.o)
                        }
                    }
                }
                let gemmNN = timer.best {
                    for c in chunks {
                        for p in 0..<16 {
                            BLAS.gemm(m: c.count, n: g.o, k: g.c, a: v.data + p * vP, lda: g.c,
                                      b: u.data + p * uP, ldb: g.o, beta: 0, c: m.data + p * mP, ldc: g.o)
                        }
                    }
                }
                let output = timer.best {
                    for c in chunks { ConvWinograd.transformOutput(m.data, plane: mP, g, tiles, c, bias: nil, into: y.data, edges) }
                }
                let flops = 2.0 * Double(tiles.count) * 16 * Double(g.c * g.o)
                out.append(KernelTiming(suite: .winograd, name: "\(s.name), \(per) tiles per chunk", shape: s.input, threads: 1,
                                        clock: timer.clock, measurements: [
                    .init(what: "filters", ms: filters), .init(what: "input", ms: input),
                    .init(what: "gemm (filters transposed)", ms: gemm, gflops: flops / gemm * 1e-6),
                    .init(what: "gemm (filters untransposed)", ms: gemmNN, gflops: flops / gemmNN * 1e-6),
                    .init(what: "output", ms: output),
                ]))
            }
        }
        return out
    }
}

extension KernelBenchmark {
    /// One thread: for each 3×3 stride-2 shape and chunks of 32, 64 and all tiles, the filter
    /// transform, and over the chunks of the layer the input transform, the forward GEMMs (filters
    /// transposed in the GEMM, as the layer runs them), the output transform, the output-gradient
    /// transform, the weight-gradient GEMMs, the input-gradient GEMMs and the input-gradient
    /// transform.
    static func polyphasePhases(_ timer: KernelTimer, _ progress: (String) -> Void) -> [KernelTiming] {
        var out: [KernelTiming] = []
        for s in convShapes where s.kernel == 3 && s.stride == 2 && s.groups == 1 {
            progress(s.name)
            let g = ConvGeometry(input: s.input, outChannels: s.out, kernel: 3, stride: 2, padding: s.padding, groups: 1)
            let x = random(s.input, seed: 2), w = random([g.o, 3, 3, g.c], seed: 3)
            let y = Tensor(shape: g.outputShape), dy = random(g.outputShape, seed: 4), dx = Tensor(shape: s.input)
            let tiles = ConvPolyphase.Tiles(g), groups = ConvPolyphase.groups, slots = ConvPolyphase.slots
            var shape = ConvPolyphase.shape(g, tiles)
            let uP = ConvWinograd.plane(g.o * g.c)
            let u = Tensor(shape: [ConvPolyphase.planes * uP]), du = Tensor(shape: [ConvPolyphase.planes * uP])
            let zeros = Tensor(shape: [max(g.c, g.o)]), sink = Tensor(shape: [slots, max(g.c, g.o)])
            let edges = MonkWinogradEdges(zeros: zeros.data, sink: sink.data)
            for per in [32, 64].filter({ $0 < tiles.count }) + [tiles.count] {
                let v = Tensor(shape: [ConvPolyphase.slotFloats(per * g.c)]), m = Tensor(shape: [ConvPolyphase.slotFloats(per * g.o)])
                let chunks = stride(from: 0, to: tiles.count, by: per).map { $0..<min($0 + per, tiles.count) }
                let filters = timer.best {
                    ConvPolyphase.transformFilters(w.data, into: u.data, plane: uP, g, parallel: .serial)
                }
                let input = timer.best {
                    for c in chunks { monk_polyphase_input(x.data, &shape, c.lowerBound, c.count, v.data, c.count * g.c, edges) }
                }
                let gemm = timer.best {
                    for c in chunks {
                        for (i, gr) in groups.enumerated() {
                            BLAS.gemm(transB: true, m: gr.count * c.count, n: g.o, k: g.c,
                                      a: v.data + ConvPolyphase.start(i, plane: c.count * g.c), lda: g.c,
                                      b: u.data + gr.plane * uP, ldb: g.c, beta: 0,
                                      c: m.data + ConvPolyphase.start(i, plane: c.count * g.o), ldc: g.o)
                        }
                    }
                }
                let output = timer.best {
                    for c in chunks {
                        monk_polyphase_output(m.data, c.count * g.o, &shape, c.lowerBound, c.count, nil, y.data, edges)
                    }
                }
                let outputAdjoint = timer.best {
                    for c in chunks {
                        monk_polyphase_output_adjoint(dy.data, &shape, c.lowerBound, c.count, m.data, c.count * g.o, edges)
                    }
                }
                let gemmDW = timer.best {
                    for c in chunks {
                        for (i, gr) in groups.enumerated() {
                            BLAS.gemm(transA: true, m: g.o, n: g.c, k: gr.count * c.count,
                                      a: m.data + ConvPolyphase.start(i, plane: c.count * g.o), lda: g.o,
                                      b: v.data + ConvPolyphase.start(i, plane: c.count * g.c), ldb: g.c, beta: 1,
                                      c: du.data + gr.plane * uP, ldc: g.c)
                        }
                    }
                }
                let gemmDX = timer.best {
                    for c in chunks {
                        for (i, gr) in groups.enumerated() {
                            BLAS.gemm(m: gr.count * c.count, n: g.c, k: g.o,
                                      a: m.data + ConvPolyphase.start(i, plane: c.count * g.o), lda: g.o,
                                      b: u.data + gr.plane * uP, ldb: g.c, beta: 0,
                                      c: v.data + ConvPolyphase.start(i, plane: c.count * g.c), ldc: g.c)
                        }
                    }
                }
                let inputAdjoint = timer.best {
                    for c in chunks {
                        monk_polyphase_input_adjoint(v.data, c.count * g.c, &shape, c.lowerBound, c.count, dx.data, edges)
                    }
                }
                let flops = 2.0 * Double(tiles.count * slots * g.c * g.o)
                func rate(_ ms: Double) -> Double { flops / ms * 1e-6 }
                out.append(KernelTiming(suite: .polyphase, name: "\(s.name), \(per) tiles per chunk", shape: s.input,
                                        threads: 1, clock: timer.clock, measurements: [
                    .init(what: "filters", ms: filters), .init(what: "input", ms: input),
                    .init(what: "gemm", ms: gemm, gflops: rate(gemm)), .init(what: "output", ms: output),
                    .init(what: "dy", ms: outputAdjoint), .init(what: "gemm dW", ms: gemmDW, gflops: rate(gemmDW)),
                    .init(what: "gemm dx", ms: gemmDX, gflops: rate(gemmDX)), .init(what: "dx", ms: inputAdjoint),
                ]))
            }
        }
        return out
    }
}
