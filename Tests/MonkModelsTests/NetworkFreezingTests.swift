// Freezing: which parameters train, what frozen BatchNorm computes, and that skipping the
// frozen prefix's input gradients leaves every other gradient unchanged.
import Testing
import MonkVocabulary
import MonkEngine
@testable import MonkModels

private func image(_ n: Int, _ size: Int, seed: UInt64 = 8) -> Tensor {
    var r = RNG(seed: seed)
    return Tensor(shape: [n, size, size, 3], values: (0..<(n * size * size * 3)).map { _ in r.uniform(-1, 1) })
}

/// One training-mode forward and backward with dL/dlogits = 1.
private func trainStep(_ net: any ClassifierNetwork, _ x: Tensor) -> Tensor? {
    let ctx = Context(training: true)
    net.zeroGrad()
    let y = net.forward(x, ctx)
    return net.backward(Tensor(shape: y.shape, repeating: 1), ctx)
}

@Suite struct NetworkFreezingTests {
    /// Only the head trains; with every BatchNorm frozen a training-mode forward equals the
    /// eval-mode one (running statistics, which stay untouched), frozen parameters get zero
    /// gradient, and nothing before the head computes an input gradient.
    @Test func freezeBaseNetwork() throws {
        var rng = RNG(seed: 3)
        let net = TinyCNN(numClasses: 2, rng: &rng)
        // Non-trivial running statistics, so "uses running stats" is distinguishable.
        for (name, b) in net.namedBuffers() {
            for i in 0..<b.value.count { b.value[i] = name.hasSuffix("running_var") ? 1.5 + Float(i % 3) : 0.1 * Float(i % 5) }
        }
        net.freezeBaseNetwork()
        let trainable = net.namedParameters().filter { $0.1.trainable }.map(\.0)
        #expect(trainable == ["fc.weight", "fc.bias"])
        let runningMean = net.bn2.running_mean.value.array
        let x = image(2, 16)
        let evalOut = net.forward(x, Context(training: false))
        let trainOut = net.forward(x, Context(training: true))
        #expect(trainOut.array == evalOut.array)
        #expect(net.bn2.running_mean.value.array == runningMean)
        #expect(trainStep(net, x) == nil)
        for (name, p) in net.namedParameters() where !p.trainable {
            #expect(p.grad.array.allSatisfy { $0 == 0 }, "\(name) got a gradient")
        }
        #expect(net.fc.weight.grad.array.contains { $0 != 0 })
        #expect(!net.conv1.needsInputGradient && !net.bn3.needsInputGradient && !net.fc.needsInputGradient)
    }

    /// The first k parameterised layers in forward order (conv1, bn1, layer1.0.conv1, …).
    @Test func freezeLayersOrder() {
        var rng = RNG(seed: 4)
        let net = ResNet(.resnet18, numClasses: 2, rng: &rng)
        // resnet18: 20 convolutions (17 + 3 projections), 20 BatchNorms, 1 linear.
        #expect(net.parameterisedLayers.count == 41)
        #expect(net.parameterisedLayers.prefix(4).map(\.name) == ["conv1", "bn1", "layer1.0.conv1", "layer1.0.bn1"])
        net.freezeLayers(3)
        let frozen = net.namedParameters().filter { !$0.1.trainable }.map(\.0)
        #expect(frozen == ["conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight"])
        // Nothing before layer1.0.bn1 trains, so neither it nor anything before needs dL/dx.
        #expect(!net.blocks[0].needsInputGradient)
        #expect(!(net.blocks[0] as! ResNet.BasicBlock).bn1.needsInputGradient)
        #expect((net.blocks[0] as! ResNet.BasicBlock).conv2.needsInputGradient)
        #expect(net.blocks[1].needsInputGradient)
        net.freezeLayers(40)
        #expect(net.namedParameters().filter { $0.1.trainable }.map(\.0) == net.headParameterNames)
        net.unfreezeAll()
        #expect(net.parameters.allSatisfy { $0.trainable })
    }

    /// Freezing only conv1 changes no forward value, so every other gradient must equal the
    /// unfrozen network's, although backward now stops before conv1 (and inside blocks whose
    /// shortcut and branch start frozen), and conv1 gets none.
    @Test(arguments: [Architecture.resnet18_v1, .resnet18_v2, .densenet121, .mobilenet_v2])
    func frozenPrefixKeepsOtherGradients(arch: Architecture) {
        var r1 = RNG(seed: 9), r2 = RNG(seed: 9)
        let a = arch.build(numClasses: 3, rng: &r1)
        let b = arch.build(numClasses: 3, rng: &r2)
        b.freezeLayers(1)
        let x = image(2, 32)
        _ = trainStep(a, x)
        _ = trainStep(b, x)
        let pa = a.namedParameters(), pb = b.namedParameters()
        #expect(pb[0].1.grad.array.allSatisfy { $0 == 0 })
        var worst: Float = 0
        for i in 1..<pa.count {
            for (u, v) in zip(pa[i].1.grad.array, pb[i].1.grad.array) { worst = max(worst, abs(u - v) / max(1, abs(u))) }
        }
        #expect(worst < 1e-5, "\(arch): largest gradient difference \(worst)")
    }
}
