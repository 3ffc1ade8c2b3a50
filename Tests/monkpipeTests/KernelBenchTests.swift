// `monkpipe bench --kernels`: the engine's micro-benchmarks run from the binary (they left the
// test suite, which asserts no timings). This checks the command's output, not the speed.
import Foundation
import Testing

@Suite("monkpipe binary: bench --kernels")
struct KernelBenchTests {
    @Test func winogradPhasesAreReportedPerShapeAndChunk() throws {
        let dir = try TempDir("kernels")
        defer { dir.cleanUp() }
        let r = try monkpipe(["bench", "--kernels", "winograd", "--iterations", "1", "--json"], in: dir.url, timeout: 300)
        #expect(r.status == 0, "\(r)")
        let rows = try r.stdout.split(separator: "\n").map { try #require(try parseJSON(String($0)) as? [String: Any]) }
        // ResNet-18's four 3×3 stride-1 shapes, in chunks of 64, 128 and 256 tiles.
        #expect(rows.count == 12, "\(r)")
        for row in rows {
            #expect(row["suite"] as? String == "winograd")
            let names = (row["measurements"] as? [[String: Any]])?.compactMap { $0["what"] as? String }
            #expect(names == ["filters", "input", "gemm (filters transposed)", "gemm (filters untransposed)", "output"], "\(row)")
            let ms = (row["measurements"] as? [[String: Any]])?.compactMap { $0["ms"] as? Double } ?? []
            #expect(ms.count == 5 && ms.allSatisfy { $0 > 0 && $0.isFinite }, "\(row)")
        }
        let unknown = try monkpipe(["bench", "--kernels", "gemm"], in: dir.url)
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stderr.contains("'conv', 'winograd', 'polyphase' or 'layers'"), "\(unknown)")
    }

    @Test func polyphasePhasesAreReportedPerShapeAndChunk() throws {
        let dir = try TempDir("kernels")
        defer { dir.cleanUp() }
        let r = try monkpipe(["bench", "--kernels", "polyphase", "--iterations", "1", "--json"], in: dir.url, timeout: 300)
        #expect(r.status == 0, "\(r)")
        let rows = try r.stdout.split(separator: "\n").map { try #require(try parseJSON(String($0)) as? [String: Any]) }
        // Nine 3×3 stride-2 shapes in chunks of 32, 64 and all tiles; two shapes have only 64
        // tiles, so 32 and all.
        #expect(rows.count == 25, "\(r)")
        for row in rows {
            #expect(row["suite"] as? String == "polyphase")
            let names = (row["measurements"] as? [[String: Any]])?.compactMap { $0["what"] as? String }
            #expect(names == ["filters", "input", "gemm", "output", "dy", "gemm dW", "gemm dx", "dx"], "\(row)")
            let ms = (row["measurements"] as? [[String: Any]])?.compactMap { $0["ms"] as? Double } ?? []
            #expect(ms.count == 8 && ms.allSatisfy { $0 > 0 && $0.isFinite }, "\(row)")
        }
    }
}
