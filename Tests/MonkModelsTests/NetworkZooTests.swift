// Every catalogued network builds: its output, head and FLOPs (names and files: MonkVocabularyTests).
import Testing
import MonkEngine
import MonkVocabulary
@testable import MonkModels

@Suite struct NetworkZooTests {
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
