// Convolution speed on ResNet-18 shapes (128 px, batch 16) next to raw OpenBLAS sgemm on the
// same M/N/K. A benchmark, not a test: runs only with MONKPIPE_BENCH=1, asserts correctness.
import Foundation
import Testing
@testable import MonkEngine

@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["MONKPIPE_BENCH"] == "1"))
struct Conv2DBench {
    struct Shape: Sendable {
        let name: String
        let input: [Int]
        let out, k, stride: Int
        let padding: Padding
        var groups = 1
    }

    static let resnet18At128: [Shape] = [
        Shape(name: "stem 7x7/2 3->64", input: [16, 128, 128, 3], out: 64, k: 7, stride: 2, padding: .symmetric(3)),
        Shape(name: "layer1 3x3 64", input: [16, 32, 32, 64], out: 64, k: 3, stride: 1, padding: .symmetric(1)),
        Shape(name: "layer2.0 3x3/2 64->128", input: [16, 32, 32, 64], out: 128, k: 3, stride: 2, padding: .symmetric(1)),
        Shape(name: "layer2 down 1x1/2", input: [16, 32, 32, 64], out: 128, k: 1, stride: 2, padding: .symmetric(0)),
        Shape(name: "layer2 3x3 128", input: [16, 16, 16, 128], out: 128, k: 3, stride: 1, padding: .symmetric(1)),
        Shape(name: "layer3.0 3x3/2 128->256", input: [16, 16, 16, 128], out: 256, k: 3, stride: 2, padding: .symmetric(1)),
        Shape(name: "layer3 down 1x1/2", input: [16, 16, 16, 128], out: 256, k: 1, stride: 2, padding: .symmetric(0)),
        Shape(name: "layer3 3x3 256", input: [16, 8, 8, 256], out: 256, k: 3, stride: 1, padding: .symmetric(1)),
        Shape(name: "layer4.0 3x3/2 256->512", input: [16, 8, 8, 256], out: 512, k: 3, stride: 2, padding: .symmetric(1)),
        Shape(name: "layer4 down 1x1/2", input: [16, 8, 8, 256], out: 512, k: 1, stride: 2, padding: .symmetric(0)),
        Shape(name: "layer4 3x3 512", input: [16, 4, 4, 512], out: 512, k: 3, stride: 1, padding: .symmetric(1)),
        Shape(name: "pointwise 1x1 64->256", input: [16, 32, 32, 64], out: 256, k: 1, stride: 1, padding: .symmetric(0)),
        Shape(name: "depthwise 3x3 96 (mbv2)", input: [16, 32, 32, 96], out: 96, k: 3, stride: 1, padding: .symmetric(1), groups: 96),
    ]

    /// Median time of `body` in seconds after one warm-up call: wall time, or with `cpu` the
    /// calling thread's CPU time, which host load (other processes) barely changes.
    static func median(_ runs: Int = 5, cpu: Bool = false, _ body: () -> Void) -> Double {
        func now() -> Double {
            if cpu {
                var ts = timespec()
                clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
                return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
            }
            return Double(DispatchTime.now().uptimeNanoseconds) * 1e-9
        }
        body()
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = now()
            body()
            times.append(now() - t0)
        }
        return times.sorted()[runs / 2]
    }

    /// One shape: forward and backward seconds of the layer and of raw sgemm on its M/N/K.
    struct Timing { var fwd = 0.0, bwd = 0.0, gemmFwd = 0.0, gemmBwd = 0.0 }

    /// The layer runs with `threads` Swift threads and `blasThreads` OpenBLAS threads; the
    /// raw sgemm always with `threads` OpenBLAS threads.
    static func time(_ s: Shape, threads: Int, blasThreads: Int, cpu: Bool, chunkLimit: Int,
                     minRows: Int = 256, algorithm: ConvAlgorithm = .im2col) -> Timing {
        BLAS.threads = blasThreads
        let ctx = Context(training: true, parallel: Parallel(threads: threads))
        var rng = RNG(seed: 1)
        let conv = Conv2D(inChannels: s.input[3], outChannels: s.out, kernelSize: s.k, stride: s.stride,
                          padding: s.padding, groups: s.groups, bias: false, rng: &rng)
        conv.workspace = ConvWorkspace(chunkLimit: chunkLimit, minRows: minRows)
        conv.algorithm = algorithm
        let x = randomTensor(s.input, seed: 2)
        let g = conv.geometry(x.shape)
        var t = Timing()
        var y = conv.forward(x, ctx)
        t.fwd = median(cpu: cpu) { y = conv.forward(x, ctx) }
        let dy = randomTensor(y.shape, seed: 3)
        t.bwd = median(cpu: cpu) { _ = conv.backward(dy, ctx) }
        checkSamples(conv, x, y, g, s.name)
        guard s.groups == 1, algorithm == .im2col else { return t }
        BLAS.threads = threads
        // Raw sgemm on the same sizes: forward C[M,N] = A[M,K]·B[N,K]ᵀ; backward
        // dW[N,K] += Cᵀ·A and dA[M,K] = C·B.
        let (m, n, k) = (g.rows, g.o, g.patch)
        let a = randomTensor([m, k]), b = randomTensor([n, k]), c = Tensor(shape: [m, n])
        let dW = Tensor(shape: [n, k]), dA = Tensor(shape: [m, k])
        t.gemmFwd = median(cpu: cpu) {
            BLAS.gemm(transB: true, m: m, n: n, k: k, a: a.data, lda: k, b: b.data, ldb: k, c: c.data, ldc: n)
        }
        t.gemmBwd = median(cpu: cpu) {
            BLAS.gemm(transA: true, m: n, n: k, k: m, a: c.data, lda: n, b: a.data, ldb: k, beta: 1, c: dW.data, ldc: k)
            BLAS.gemm(m: m, n: k, k: n, a: c.data, lda: n, b: b.data, ldb: k, c: dA.data, ldc: k)
        }
        return t
    }

    /// Correctness: 40 sampled outputs against the direct sum over their patch.
    static func checkSamples(_ conv: Conv2D, _ x: Tensor, _ y: Tensor, _ g: ConvGeometry, _ name: String) {
        var pick = RNG(seed: 9)
        for _ in 0..<40 {
            let (n, oy, ox, oc) = (pick.below(g.n), pick.below(g.oh), pick.below(g.ow), pick.below(g.o))
            var want = 0.0
            let grp = oc / g.og
            for ky in 0..<g.kh { for kx in 0..<g.kw { for ci in 0..<g.cg {
                let iy = oy * g.stride - g.padTop + ky, ix = ox * g.stride - g.padLeft + kx
                guard iy >= 0, iy < g.h, ix >= 0, ix < g.w else { continue }
                want += Double(x[((n * g.h + iy) * g.w + ix) * g.c + grp * g.cg + ci])
                    * Double(conv.weight.value[((oc * g.kh + ky) * g.kw + kx) * g.cg + ci])
            }}}
            let got = Double(y[((n * g.oh + oy) * g.ow + ox) * g.o + oc])
            #expect(abs(got - want) < 1e-3 * max(1, abs(want)), "\(name)")
        }
    }

    /// Prints GFLOP/s (2·M·N·K per product; backward does two) of the layer and of sgemm.
    static func report(_ title: String, threads: Int, blasThreads: Int, cpu: Bool, chunkLimit: Int = 1 << 17) {
        print("\n\(title): OpenBLAS \(BLAS.kernel), \(threads) Swift / \(blasThreads) OpenBLAS thread(s) "
              + "(sgemm: \(threads)), \(cpu ? "thread CPU time" : "wall time"), chunk \(chunkLimit) floats")
        print("shape                     |  fwd ms  GF/s sgemm |  bwd ms  GF/s sgemm")
        var total = Timing()
        for s in resnet18At128 {
            let t = time(s, threads: threads, blasThreads: blasThreads, cpu: cpu, chunkLimit: chunkLimit)
            let g = ConvGeometry(input: s.input, outChannels: s.out, kernel: s.k, stride: s.stride,
                                 padding: s.padding, groups: s.groups)
            let flops = 2.0 * Double(g.rows) * Double(g.og) * Double(g.patch) * Double(g.groups)
            func f(_ v: Double, _ w: Int = 6) -> String { String(format: "%\(w).1f", v) }
            func gf(_ fl: Double, _ sec: Double) -> String { sec > 0 ? f(fl / sec * 1e-9, 5) : "    -" }
            print(s.name.padding(toLength: 25, withPad: " ", startingAt: 0), "|", f(t.fwd * 1e3, 7),
                  gf(flops, t.fwd), gf(flops, t.gemmFwd), "|", f(t.bwd * 1e3, 7), gf(2 * flops, t.bwd), gf(2 * flops, t.gemmBwd))
            if s.groups == 1 {
                total.fwd += t.fwd; total.bwd += t.bwd; total.gemmFwd += t.gemmFwd; total.gemmBwd += t.gemmBwd
            }
        }
        print(String(format: "dense shapes total: conv fwd %.1f ms (sgemm %.1f), bwd %.1f ms (sgemm %.1f)",
                     total.fwd * 1e3, total.gemmFwd * 1e3, total.bwd * 1e3, total.gemmBwd * 1e3))
    }

    @Test func resnet18Shapes() {
        let saved = BLAS.threads
        Self.report("one thread", threads: 1, blasThreads: 1, cpu: true)
        Self.report("one thread, whole-matrix im2col", threads: 1, blasThreads: 1, cpu: true, chunkLimit: 1 << 30)
        Self.report("two Swift workers, single-threaded OpenBLAS", threads: 2, blasThreads: 1, cpu: false)
        Self.report("two OpenBLAS threads", threads: 2, blasThreads: 2, cpu: false)
        BLAS.threads = saved
    }

    /// Winograd against im2col on the 3×3 stride-1 shapes, forward and backward (dx and dW),
    /// in milliseconds: by default (layers of ≤ 512 tiles whole), with ≤ 128 tiles whole, and
    /// all in chunks of 8–16 tiles.
    @Test func winogradVersusIm2col() {
        let saved = BLAS.threads
        let shapes = Self.resnet18At128.filter { $0.k == 3 && $0.stride == 1 && $0.groups == 1 }
        for (threads, cpu) in [(1, true), (2, false)] {
            print("\n\(threads) thread(s), \(cpu ? "thread CPU time" : "wall time"): fwd / bwd ms")
            for s in shapes {
                var line = s.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                let base = Self.time(s, threads: threads, blasThreads: 1, cpu: cpu, chunkLimit: 1 << 17)
                line += String(format: " im2col %6.1f / %6.1f |", base.fwd * 1e3, base.bwd * 1e3)
                for minRows in [256, 64, 16] {
                    let t = Self.time(s, threads: threads, blasThreads: 1, cpu: cpu, chunkLimit: 1 << 17,
                                      minRows: minRows, algorithm: .winograd)
                    line += String(format: " wino ≤%d whole %6.1f / %6.1f", 2 * minRows, t.fwd * 1e3, t.bwd * 1e3)
                }
                print(line)
            }
        }
        BLAS.threads = saved
    }

    /// Where Winograd's forward time goes on one thread: the filter transform, and the input
    /// transform, the 16 GEMMs and the output transform of one chunk of tiles, repeated over
    /// the layer (thread CPU time).
    @Test func winogradPhases() {
        let saved = BLAS.threads
        BLAS.threads = 1
        for s in Self.resnet18At128 where s.k == 3 && s.stride == 1 && s.groups == 1 {
            let g = ConvGeometry(input: s.input, outChannels: s.out, kernel: 3, stride: 1, padding: s.padding, groups: 1)
            let tiles = ConvWinograd.Tiles(g)
            for per in [64, 128, 256] {
                let x = randomTensor(s.input, seed: 2), w = randomTensor([g.o, 3, 3, g.c], seed: 3)
                let y = Tensor(shape: g.outputShape)
                // Planes padded by a cache line, as the layer lays them out.
                let uP = ConvWinograd.plane(g.o * g.c), vP = ConvWinograd.plane(per * g.c), mP = ConvWinograd.plane(per * g.o)
                let u = Tensor(shape: [16 * uP]), v = Tensor(shape: [16 * vP]), m = Tensor(shape: [16 * mP])
                let tFilters = Self.median(cpu: true) {
                    ConvWinograd.transformFilters(w.data, into: u.data, plane: uP, g, parallel: .serial)
                }
                let tFiltersUnpadded = Self.median(cpu: true) {
                    ConvWinograd.transformFilters(w.data, into: u.data, plane: g.o * g.c, g, parallel: .serial)
                }
                let zeros = Tensor(shape: [max(g.c, g.o)]), sink = Tensor(shape: [16, max(g.c, g.o)])
                let edges = ConvWinograd.Edges(zeros: zeros.data, sink: sink.data)
                let chunks = stride(from: 0, to: tiles.count, by: per).map { $0..<min($0 + per, tiles.count) }
                let tIn = Self.median(cpu: true) {
                    for c in chunks { ConvWinograd.transformInput(x.data, g, tiles, c, into: v.data, plane: vP, edges) }
                }
                let tGemm = Self.median(cpu: true) {
                    for c in chunks {
                        for p in 0..<16 {
                            BLAS.gemm(transB: true, m: c.count, n: g.o, k: g.c, a: v.data + p * vP, lda: g.c,
                                      b: u.data + p * uP, ldb: g.c, beta: 0, c: m.data + p * mP, ldc: g.o)
                        }
                    }
                }
                // The same products with the filters stored [p][in][out] (no transpose).
                let tGemmNN = Self.median(cpu: true) {
                    for c in chunks {
                        for p in 0..<16 {
                            BLAS.gemm(m: c.count, n: g.o, k: g.c, a: v.data + p * vP, lda: g.c,
                                      b: u.data + p * uP, ldb: g.o, beta: 0, c: m.data + p * mP, ldc: g.o)
                        }
                    }
                }
                let tOut = Self.median(cpu: true) {
                    for c in chunks { ConvWinograd.transformOutput(m.data, plane: mP, g, tiles, c, bias: nil, into: y.data, edges) }
                }
                let flops = 2.0 * Double(tiles.count) * 16 * Double(g.c * g.o)
                print(String(format: "%@ %3d tiles/chunk: filters %.2f ms (unpadded planes %.2f), input %.2f ms, gemm %.2f ms (%.0f GFLOP/s; untransposed filters %.0f), output %.2f ms",
                             s.name, per, tFilters * 1e3, tFiltersUnpadded * 1e3, tIn * 1e3, tGemm * 1e3, flops / tGemm * 1e-9, flops / tGemmNN * 1e-9, tOut * 1e3))
            }
        }
        BLAS.threads = saved
    }
}
