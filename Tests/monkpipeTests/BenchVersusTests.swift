// `monkpipe bench --versus-conv/--versus-products` from the binary: one line per setting, the
// paired line, the JSON keys, and the clear refusals. This checks the output, not the speed.
import Foundation
import Testing

@Suite("monkpipe binary: bench --versus-*")
struct BenchVersusTests {
    @Test func twoSettingsAndTheirPairing() throws {
        let dir = try TempDir("versus")
        defer { dir.cleanUp() }
        let tiny = ["bench", "--model", "resnet18_v1", "--size", "32", "--batch", "2", "--mode", "train", "--warmup", "1", "--iterations", "3"]
        let r = try monkpipe(tiny + ["--conv", "automatic", "--versus-conv", "im2col"], in: dir.url, timeout: 300)
        #expect(r.status == 0, "\(r)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r)")
        #expect(lines.first?.hasSuffix(", conv automatic") == true, "\(r)")
        #expect(lines.dropFirst().first?.hasSuffix(", conv im2col") == true, "\(r)")
        #expect(lines.last?.hasPrefix("  conv im2col / conv automatic, step by step over 3 pairs: wall ") == true, "\(r)")

        let j = try monkpipe(tiny + ["--versus-products", "openblas", "--json"], in: dir.url, timeout: 300)
        #expect(j.status == 0, "\(j)")
        let rows = try j.stdout.split(separator: "\n").map { try #require(try parseJSON(String($0)) as? [String: Any]) }
        #expect(rows.map { $0["setting"] as? String } == ["products automatic", "products openblas"], "\(j)")
        #expect(rows[0]["paired"] == nil && rows[1]["matrix_products"] as? String == "openblas", "\(j)")
        let paired = try #require(rows[1]["paired"] as? [String: Any], "\(j)")
        #expect(paired["against"] as? String == "products automatic" && paired["pairs"] as? Int == 3, "\(j)")
        #expect((paired["wall_ratio"] as? Double).map { $0 > 0 && $0.isFinite } == true, "\(j)")
        #expect((paired["faster_in"] as? Int).map { (0...3).contains($0) } == true, "\(j)")
    }

    @Test func refusesAPairingOfTwoKindsOrOfKernels() throws {
        let dir = try TempDir("versus")
        defer { dir.cleanUp() }
        let both = try monkpipe(["bench", "--versus-conv", "im2col", "--versus-products", "openblas"], in: dir.url)
        #expect(both.status == 64, "\(both)")
        #expect(both.stderr.contains("give one of --versus-conv and --versus-products"), "\(both)")
        let kernels = try monkpipe(["bench", "--kernels", "conv", "--versus-conv", "im2col"], in: dir.url)
        #expect(kernels.status == 64, "\(kernels)")
        #expect(kernels.stderr.contains("not --data or --kernels"), "\(kernels)")
    }
}
