// The registry: names and aliases, pretrained file names, every network's output, head and FLOPs.
import Testing
import MonkEngine
@testable import MonkModels

@Suite struct NetworkZooTests {
    @Test func namesAndAliases() {
        #expect(Architecture(name: "resnet18") == .resnet18_v1)
        #expect(Architecture(name: "resnet101") == .resnet101_v1)
        #expect(Architecture(name: "resnet50_v2") == .resnet50_v2)
        #expect(Architecture(name: "mobilenet_v2") == .mobilenet_v2)
        #expect(Architecture(name: "resnet18_v3") == nil)
        #expect(Architecture.allCases.count == 11)
        #expect(Architecture.allNames.count == Set(Architecture.allNames).count)
    }

    /// torchvision's IMAGENET1K_V1 file names (`ResNet18_Weights.IMAGENET1K_V1.url` etc.).
    @Test func pretrainedFilesAndSizes() {
        #expect(Architecture.resnet18_v1.pretrainedFileName == "resnet18-f37072fd.pth")
        #expect(Architecture.resnet50_v1.pretrainedFileName == "resnet50-0676ba61.pth")
        #expect(Architecture.densenet121.pretrainedFileName == "densenet121-a639ec97.pth")
        #expect(Architecture.mobilenet_v2.pretrainedFileName == "mobilenet_v2-b0353104.pth")
        #expect(Architecture.efficientnet_lite0.pretrainedFileName == "efficientnet-lite0-57934424.pth")
        #expect(Architecture.resnet18_v2.pretrainedFileName == nil)
        // Every published weight file belongs to exactly one network.
        let mapped = Architecture.allCases.compactMap(\.pretrainedArchitecture)
        #expect(Set(mapped) == Set(PretrainedArchitecture.allCases) && mapped.count == PretrainedArchitecture.allCases.count)
        #expect(Architecture.tiny_cnn.pretrainedFileName == nil)
        #expect(Architecture.resnet50_v2.defaultInputSize == 224)
        #expect(Architecture.tiny_cnn.defaultInputSize == 64)
    }

    /// Every network family: [2, 32, 32, 3] → [2, 3] logits in training mode, a backward that
    /// returns no image gradient, a nonzero gradient on the first convolution, and a head whose
    /// parameter names are in the state dict with a 3-class shape. (resnet34/50/101 and
    /// densenet169 run the block code of resnet18, the bottleneck gradient check and
    /// densenet121; the layout tests run their forward pass — building the large networks
    /// again would double the debug test time, most of it spent initialising weights.)
    @Test(arguments: Architecture.allCases.filter { ![.resnet34_v1, .resnet50_v1, .resnet101_v1, .densenet169].contains($0) })
    func forwardBackwardAndHead(arch: Architecture) throws {
        var rng = RNG(seed: 21)
        let net = arch.build(numClasses: 3, rng: &rng)
        let ctx = Context(training: true, rng: RNG(seed: 2))
        var xr = RNG(seed: 4)
        let x = Tensor(shape: [2, 32, 32, 3], values: (0..<(2 * 32 * 32 * 3)).map { _ in xr.uniform(-1, 1) })
        let y = net.forward(x, ctx)
        #expect(y.shape == [2, 3])
        #expect(y.array.allSatisfy { $0.isFinite })
        net.zeroGrad()
        let dx = net.backward(Tensor(shape: [2, 3], repeating: 1), ctx)
        #expect(dx == nil)
        let first = try #require(net.namedParameters().first)
        #expect(first.1.grad.array.contains { $0 != 0 }, "no gradient reached \(first.0)")
        let params = Dictionary(uniqueKeysWithValues: net.namedParameters().map { ($0.0, $0.1.shape) })
        let head = net.headParameterNames
        #expect(head.count == 2)
        #expect(params[head[0]]?.first == 3 && params[head[0]]?.count == 2)
        #expect(params[head[1]] == [3])
        #expect(net.numClasses == 3)
    }

    /// tiny_cnn at 64 px, by hand: convs 64²·16·27 + 32²·32·144 + 16²·64·288 multiply-adds,
    /// fc 64·1000, two FLOPs each.
    @Test func tinyCNNFlops() {
        let macs = 64 * 64 * 16 * 27 + 32 * 32 * 32 * 144 + 16 * 16 * 64 * 288 + 64 * 1000
        #expect(Architecture.tiny_cnn.forwardGFLOPs(size: 64) == Double(2 * macs) / 1e9)
    }

    /// Replacing the head keeps everything else and changes only the head's shapes.
    @Test func replaceHead() {
        var rng = RNG(seed: 5)
        let net = ResNet(.resnet18, numClasses: 1000, rng: &rng)
        let conv1 = net.conv1.weight.value.array
        net.replaceHead(numClasses: 2, rng: &rng)
        #expect(net.fc.weight.shape == [2, 512])
        #expect(net.parameterCount == 11_689_512 - 513_000 + 2 * 512 + 2)
        #expect(net.conv1.weight.value.array == conv1)
        let y = net.forward(Tensor(shape: [1, 32, 32, 3], repeating: 0.5), Context(training: false))
        #expect(y.shape == [1, 2])
    }
}
