// MXNet Gluon .params files load into monkpipe's networks and give Gluon's logits, in every
// name style. Fixtures and expected logits: `benchmarks/gluon_parity.py --fixtures
// Tests/MonkModelsTests/Fixtures/gluon` (mxnet 1.9.1): Gluon's own model classes at tiny
// widths, random weights and BatchNorm statistics, three different 224×224 images in one batch.
import Foundation
import Testing
import MonkEngine
@testable import MonkModels
import MonkVocabulary

struct GluonFixtures: Decodable {
    struct Model: Decodable {
        struct Config: Decodable {
            var widths: [Int]?
            var blockCounts: [Int]?
            var initFeatures: Int?
            var growthRate: Int?
            var stemWidth: Int?
            var stageWidths: [Int]?
            var lastChannels: Int?
        }
        var model: String
        var config: Config
        var dtype: String
        var files: [String: String]
        var logits: [[Float]]
    }
    var models: [Model]

    static func load() throws -> GluonFixtures {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/gluon/expected", withExtension: "json"))
        return try JSONDecoder().decode(GluonFixtures.self, from: Data(contentsOf: url))
    }

    static func url(_ file: String) throws -> URL {
        try #require(Bundle.module.url(forResource: "Fixtures/gluon/" + file, withExtension: nil))
    }
}

extension GluonFixtures.Model {
    /// The tiny network the fixture's Gluon model corresponds to (3 classes).
    func network() throws -> ClassifierNetwork {
        var rng = RNG(seed: 1)
        let c = config
        switch model {
        case "resnet18_v1": return ResNet(.resnet18, widths: try #require(c.widths), numClasses: 3, rng: &rng)
        case "resnet18_v2": return PreActResNet(.resnet18, widths: try #require(c.widths), numClasses: 3, rng: &rng)
        case "resnet50_v2": return PreActResNet(.resnet50, widths: try #require(c.widths), numClasses: 3, rng: &rng)
        case "densenet121", "densenet169":
            return DenseNet(model == "densenet121" ? .densenet121 : .densenet169, blockCounts: try #require(c.blockCounts),
                            initFeatures: try #require(c.initFeatures), growthRate: try #require(c.growthRate),
                            numClasses: 3, rng: &rng)
        case "mobilenet_v2":
            return MobileNetV2(layout: .gluon, stemWidth: try #require(c.stemWidth), stageWidths: try #require(c.stageWidths),
                               lastChannels: try #require(c.lastChannels), numClasses: 3, rng: &rng)
        default: throw WeightFileError.unsupported("fixture model \(model)")
        }
    }
}

/// The script's synthetic batch, NHWC: sin(0.05(h+1)(n+1) + 0.07(w+1)(c+1) + n).
func gluonSyntheticBatch() -> Tensor {
    let x = Tensor(shape: [3, 224, 224, 3])
    for n in 0..<3 { for h in 0..<224 { for w in 0..<224 { for c in 0..<3 {
        x[((n * 224 + h) * 224 + w) * 3 + c] = Float(sin(0.05 * Double((h + 1) * (n + 1)) + 0.07 * Double((w + 1) * (c + 1)) + Double(n)))
    } } } }
    return x
}

@Suite struct GluonWeightsTests {
    static let cases: [(String, String)] = {
        guard let fixtures = try? GluonFixtures.load() else { return [] }
        return fixtures.models.flatMap { m in m.files.keys.sorted().map { (m.model, $0) } }
    }()

    /// Every model in every saved style: the logits of all three images match MXNet's.
    @Test(arguments: cases)
    func logitsMatchMXNet(model: String, style: String) throws {
        let fixture = try #require(try GluonFixtures.load().models.first { $0.model == model })
        let file = try WeightsFile.read(GluonFixtures.url(try #require(fixture.files[style])))
        guard case .gluon(let params) = file else { Issue.record("not read as a Gluon file"); return }
        // Gluon keeps BatchNorm in float32 when it casts a network to float16.
        #expect(params.entries.contains { $0.dtype.rawValue == fixture.dtype })
        let net = try fixture.network()
        let report = try loadTorchStateDict(try file.torchStateDict(for: net), into: net)
        #expect(report.keptIdentity.isEmpty)
        let y = net.forward(gluonSyntheticBatch(), Context(training: false))
        let expected = fixture.logits.flatMap { $0 }
        #expect(y.shape == [3, 3])
        let scale = expected.map(abs).max() ?? 1
        let worst = zip(y.array, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst / scale < 1e-4, "\(model) \(style): largest relative difference \(worst / scale); \(y.array) vs \(expected)")
        // The three images' logits differ by more than 100× the tolerance: a mix-up across
        // the batch cannot pass.
        let rows = fixture.logits
        #expect(zip(rows[0], rows[1]).map { abs($0 - $1) }.max()! > 0.01 * scale)
        #expect(zip(rows[1], rows[2]).map { abs($0 - $1) }.max()! > 0.01 * scale)
    }

    @Test func nameStylesAreRecognised() throws {
        let fixture = try #require(try GluonFixtures.load().models.first { $0.model == "resnet50_v2" })
        for (style, expected) in [("structural", GluonNameStyle.structural), ("prefixed", .prefixed),
                                  ("prefixed-full", .prefixed), ("export", .export)] {
            guard case .gluon(let params) = try WeightsFile.read(GluonFixtures.url(try #require(fixture.files[style]))) else {
                Issue.record("\(style) not read as Gluon"); continue
            }
            #expect(GluonWeights.style(of: params.names) == expected, "\(style)")
        }
    }

    /// The input BatchNorm's statistics come from the file (beta folded into the mean): not
    /// the identity, and exactly what the file holds for running_var.
    @Test func inputNormalisationComesFromTheFile() throws {
        let fixture = try #require(try GluonFixtures.load().models.first { $0.model == "resnet18_v2" })
        guard case .gluon(let params) = try WeightsFile.read(GluonFixtures.url(try #require(fixture.files["structural"]))) else {
            Issue.record("not Gluon"); return
        }
        let net = try #require(try fixture.network() as? PreActResNet)
        #expect(net.bn_data.isIdentity)
        try loadTorchStateDict(try GluonWeights.torchStateDict(from: params, for: net), into: net)
        #expect(!net.bn_data.isIdentity)
        #expect(net.bn_data.running_var.value.array == params["features.0.running_var"]!.array)
        let beta = params["features.0.beta"]!.array, mean = params["features.0.running_mean"]!.array
        let variance = params["features.0.running_var"]!.array
        for i in 0..<3 {
            // Hand computation of the fold: mean − beta·√(var + 1e-5).
            #expect(abs(net.bn_data.running_mean.value[i] - (mean[i] - beta[i] * (variance[i] + 1e-5).squareRoot())) < 1e-6)
        }
    }

    @Test func aFileForAnotherNetworkNamesWhatDiffers() throws {
        let fixtures = try GluonFixtures.load()
        let v1 = try #require(fixtures.models.first { $0.model == "resnet18_v1" })
        let v2 = try #require(fixtures.models.first { $0.model == "resnet18_v2" })
        guard case .gluon(let params) = try WeightsFile.read(GluonFixtures.url(try #require(v1.files["prefixed"]))) else {
            Issue.record("not Gluon"); return
        }
        let error = thrownError { _ = try GluonWeights.torchStateDict(from: params, for: try v2.network()) }
        guard case let .mismatch(network, style, missing, unexpected)? = error as? GluonWeightsError else {
            Issue.record("got \(String(describing: error))"); return
        }
        #expect(network == "resnet18_v2" && style == .prefixed)
        // v2 has three top-level BatchNorms (input, stem, final), v1 one; v1's downsample
        // BatchNorms (stage2_batchnorm2, …) have no v2 counterpart.
        #expect(missing.contains("batchnorm1_gamma") && missing.contains("batchnorm2_gamma"))
        #expect(unexpected.contains("stage2_batchnorm4_gamma"))
    }

    @Test func gluonBottleneckV1IsRefusedWithTheReason() {
        var rng = RNG(seed: 0)
        let net = ResNet(.resnet50, widths: [1, 2, 4, 8], numClasses: 3, rng: &rng)
        let error = thrownError { _ = try GluonWeights.torchStateDict(from: StateDict(), for: net) }
        let message = "\(error.map { "\($0)" } ?? "no error")"
        #expect(message.contains("stride on the first 1×1 convolution"), "\(message)")
        #expect(message.contains("biases"))
    }

    @Test func efficientNetHasNoGluonLayout() {
        var rng = RNG(seed: 0)
        let error = thrownError { _ = try GluonWeights.torchStateDict(from: StateDict(), for: EfficientNetLite(numClasses: 3, rng: &rng)) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("no such model"))
    }

    /// mobilenet_v2 picks Gluon's layout for a Gluon file and for a checkpoint of that layout.
    @Test func mobileNetLayoutFollowsTheFile() throws {
        var rng = RNG(seed: 0)
        let gluonNet = MobileNetV2(layout: .gluon, numClasses: 4, rng: &rng)
        let checkpoint = WeightsFile.torch(torchStateDict(of: gluonNet))
        #expect(Architecture.mobilenet_v2.needsGluonLayout(checkpoint))
        #expect(!Architecture.mobilenet_v2.needsGluonLayout(.torch(torchStateDict(of: MobileNetV2(numClasses: 4, rng: &rng)))))
        let (rebuilt, _) = try Architecture.mobilenet_v2.build(loading: checkpoint, numClasses: nil, rng: &rng)
        #expect((rebuilt as? MobileNetV2)?.layout == .gluon)
        #expect(rebuilt.numClasses == 4)
    }

    /// A v2 checkpoint written before `bn_data` existed still loads, as the identity it was.
    @Test func oldPreActivationCheckpointKeepsTheIdentity() throws {
        var rng = RNG(seed: 0)
        let net = PreActResNet(.resnet18, widths: [2, 4, 8, 16], numClasses: 3, rng: &rng)
        let old = try torchStateDict(of: net).renamed { $0.hasPrefix("bn_data.") ? nil : $0 }
        let fresh = PreActResNet(.resnet18, widths: [2, 4, 8, 16], numClasses: 3, rng: &rng)
        let report = try loadTorchStateDict(old, into: fresh)
        #expect(report.keptIdentity == ["bn_data.running_mean", "bn_data.running_var"])
        #expect(fresh.bn_data.isIdentity)
        let x = gluonSyntheticBatch()
        #expect(fresh.forward(x, Context(training: false)).array == net.forward(x, Context(training: false)).array)
    }
}
