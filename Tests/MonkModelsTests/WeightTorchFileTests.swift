// Reading PyTorch .pth files: the shipped zip-format sample against its JSON listing, the real
// legacy-format EfficientNet-Lite0 checkpoint against values printed by PyTorch, and
// generated files for dtypes, strided views and legacy storage views.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels

@Suite struct WeightTorchFileTests {
    @Test func tinyZipMatchesItsListing() throws {
        let dict = try TorchFile.load(try SharedWeights.tinyZip())
        // tiny-zip-format.json: written beside the .pth by make_tiny_zip.py (see its "produced_by").
        let listing = try JSONSerialization.jsonObject(with: Data(contentsOf: try SharedWeights.tinyZipListing())) as! [String: Any]
        let tensors = listing["tensors"] as! [String: [String: Any]]
        #expect(Set(dict.names) == Set(tensors.keys))
        #expect(dict.count == 11)
        for (name, spec) in tensors {
            let entry = try #require(dict.entry(name))
            #expect(entry.dtype.rawValue == spec["dtype"] as! String, "\(name)")
            #expect(entry.tensor.shape == spec["shape"] as! [Int], "\(name)")
            let expected = (spec["values"] as! [Double]).map { Float($0) }
            #expect(entry.tensor.array == expected, "\(name)")
        }
        // fc.weight_t is the transposed view of fc.weight's storage (strides (1, 2)).
        #expect(dict["fc.weight_t"]!.array == [0, 2, 4, 6, 1, 3, 5, 7].map { dict["fc.weight"]!.array[$0] })
    }

    @Test func legacyEfficientNetLoadsCompletely() throws {
        let dict = try TorchFile.load(try SharedWeights.efficientNet())
        // Reference: python3 -c "import torch; sd=torch.load('efficientnet-lite0-57934424.pth', weights_only=True); print(len(sd))" → 296
        #expect(dict.count == 296)
        #expect(dict.entries.filter { $0.dtype == .int64 }.count == 49)  // num_batches_tracked of 49 BatchNorms
        #expect(dict.entries.filter { $0.dtype == .float32 }.count == 247)

        // Every key follows the README's pattern.
        let bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
        var expectedNames = ["_conv_stem.weight"] + bn.map { "_bn0.\($0)" }
        // Stages (kernel, stride, expand, in, out, repeats) from docs/shared-data.md.
        let stages = [(3, 1, 1, 32, 16, 1), (3, 2, 6, 16, 24, 2), (5, 2, 6, 24, 40, 2), (3, 2, 6, 40, 80, 3),
                      (5, 1, 6, 80, 112, 3), (5, 2, 6, 112, 192, 4), (3, 1, 6, 192, 320, 1)]
        var block = 0
        for (kernel, _, expand, inC, outC, repeats) in stages {
            for r in 0..<repeats {
                let cin = r == 0 ? inC : outC, hidden = cin * expand, p = "_blocks.\(block)."
                if expand != 1 {
                    expectedNames.append(p + "_expand_conv.weight")
                    #expect(dict[p + "_expand_conv.weight"]?.shape == [hidden, cin, 1, 1])
                    expectedNames += bn.map { p + "_bn0." + $0 }
                }
                expectedNames.append(p + "_depthwise_conv.weight")
                #expect(dict[p + "_depthwise_conv.weight"]?.shape == [hidden, 1, kernel, kernel], "\(p)")
                expectedNames += bn.map { p + "_bn1." + $0 }
                expectedNames.append(p + "_project_conv.weight")
                #expect(dict[p + "_project_conv.weight"]?.shape == [outC, hidden, 1, 1])
                expectedNames += bn.map { p + "_bn2." + $0 }
                block += 1
            }
        }
        expectedNames += ["_conv_head.weight"] + bn.map { "_bn1.\($0)" } + ["_fc.weight", "_fc.bias"]
        #expect(dict.names == expectedNames)
        #expect(dict["_conv_stem.weight"]?.shape == [32, 3, 3, 3])
        #expect(dict["_conv_head.weight"]?.shape == [1280, 320, 1, 1])
        #expect(dict["_fc.weight"]?.shape == [1000, 1280])

        // torch.load(...)[key].flatten()[:5].tolist() with torch 2.15; the conv weights are
        // stored non-contiguous (strides (1, 32, 288, 96) for the stem), so this checks the gather.
        let reference: [(String, [Float])] = [
            ("_conv_stem.weight", [-1.1103360652923584, -1.3087704181671143, -0.010156914591789246, 0.9208119511604309, 1.2259163856506348]),
            ("_bn0.running_var", [1.631428599357605, 70.37157440185547, 14.1073579788208, 3.942131996154785, 1.7695624828338623]),
            ("_blocks.15._depthwise_conv.weight", [-0.2169007807970047, -0.024567127227783203, 0.2640509605407715, 0.013299018144607544, 0.0232941173017025]),
            ("_conv_head.weight", [0.060557201504707336, -0.07702663540840149, 0.017088670283555984, 0.1210465133190155, 0.0061039552092552185]),
            ("_fc.bias", [0.032053910195827484, -0.01598576083779335, 0.005290735047310591, 0.05812514200806618, 0.05991081893444061]),
        ]
        for (name, values) in reference { #expect(Array(dict[name]!.array.prefix(5)) == values, "\(name)") }
        // float(sum(v.double().sum() for k, v in sd.items() if 'num_batches' not in k)) → 425663.2450015556
        var total = 0.0
        for e in dict.entries where !e.name.hasSuffix("num_batches_tracked") {
            for i in 0..<e.tensor.count { total += Double(e.tensor.data[i]) }
        }
        #expect(abs(total - 425663.2450015556) < 1e-3)
        // Trainable parameter count (without running statistics and counters): 4,652,008.
        #expect(dict.entries.filter { !$0.name.contains("running_") && $0.dtype == .float32 }.reduce(0) { $0 + $1.tensor.count } == 4_652_008)
    }

    @Test func zipWithReducedPrecisionAndStridedViews() throws {
        // bfloat16 bits 0x3f80, 0xc000, 0x3fc0, 0x4049 = 1, −2, 1.5, 3.140625 (sign·2^(e−127)·(1+m/128)).
        let bf16: [UInt8] = [0x80, 0x3f, 0x00, 0xc0, 0xc0, 0x3f, 0x49, 0x40]
        // float16 0x3c00 = 1, 0xbc00 = −1, 0x3555 = 0.333251953125 (2^−2·(1+341/1024)).
        let f16: [UInt8] = [0x00, 0x3c, 0x00, 0xbc, 0x55, 0x35]
        let pickle = PickleBuilder.stateDict([
            ("b", { $0.tensor(storageClass: "BFloat16Storage", key: "0", numel: 4, offset: 0, shape: [4], strides: [1]) }),
            ("h", { $0.tensor(storageClass: "HalfStorage", key: "1", numel: 3, offset: 0, shape: [3], strides: [1]) }),
            // A 2×2 view starting at element 1 of a 6-element storage, column-major: [[1, 3], [2, 4]].
            ("v", { $0.tensor(storageClass: "FloatStorage", key: "2", numel: 6, offset: 1, shape: [2, 2], strides: [1, 2]) }),
            ("n", { $0.tensor(storageClass: "LongStorage", key: "3", numel: 1, offset: 0, shape: [], strides: []) }),
        ])
        let file = makeTorchZip(pickle: pickle, storages: [("0", bf16), ("1", f16), ("2", floatBytes([0, 1, 2, 3, 4, 5])), ("3", le(Int64(-7)))])
        let dict = try TorchFile.load(bytes: file)
        #expect(dict.names == ["b", "h", "v", "n"])
        #expect(dict["b"]!.array == [1, -2, 1.5, 3.140625])
        #expect(dict["h"]!.array == [1, -1, 0.333251953125])
        #expect(dict["v"]!.shape == [2, 2] && dict["v"]!.array == [1, 3, 2, 4])
        #expect(dict["n"]!.shape == [] && dict["n"]!.array == [-7])
        #expect(dict.entry("n")!.dtype == .int64 && dict.entry("b")!.dtype == .bfloat16)
    }

    @Test func legacyStorageViewsAndDoubles() throws {
        // Legacy files may point a tensor at a view (key, offset, size) of a root storage.
        let pickle = PickleBuilder.stateDict([
            ("whole", { $0.tensor(storageClass: "DoubleStorage", key: "r", numel: 5, offset: 0, shape: [5], strides: [1], legacy: true) }),
            ("tail", { $0.tensor(storageClass: "DoubleStorage", key: "r", numel: 5, offset: 1, shape: [2], strides: [1], legacy: true, view: ("r", 2, 3)) }),
        ])
        let doubles: [Double] = [0.5, -1.25, 2, 1e300, 3]
        let file = makeLegacyTorch(pickle: pickle, storages: [("r", 5, doubles.flatMap { le($0.bitPattern) })])
        let dict = try TorchFile.load(bytes: file)
        #expect(dict["whole"]!.array == [0.5, -1.25, 2, .infinity, 3])  // 1e300 overflows Float to +inf, as torch's .float() does
        // The view starts at element 2; the tensor at offset 1 inside it: elements 3 and 4.
        #expect(dict["tail"]!.array == [.infinity, 3])
    }

    @Test func checkpointWrappersAreUnwrapped() throws {
        var p = PickleBuilder()
        p.op("}"); p.op("("); p.string("epoch"); p.int(3); p.string("state_dict")
        p.global("collections", "OrderedDict"); p.op(")"); p.op("R"); p.op("(")
        p.string("w"); p.tensor(storageClass: "FloatStorage", key: "0", numel: 2, offset: 0, shape: [2], strides: [1])
        p.op("u"); p.op("u"); p.stop()
        let dict = try TorchFile.load(bytes: makeTorchZip(pickle: p.bytes, storages: [("0", floatBytes([4, 5]))]))
        #expect(dict.names == ["w"] && dict["w"]!.array == [4, 5])
    }
}
