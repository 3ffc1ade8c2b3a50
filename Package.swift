// swift-tools-version:6.0
// monkpipe: a declarative pipeline runner that trains, evaluates and compares image classifiers.
import PackageDescription

// Release builds drop Swift's bounds and overflow checks in the numeric code: the engine's
// hot loops index raw buffers whose sizes are checked once per op, not per element.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "monkpipe",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "monkpipe", targets: ["monkpipe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        // Unzips Gluon's model zoo downloads (zlib underneath: libz-dev on Debian).
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        // OpenBLAS is opened with dlopen at run time (see BLAS.swift), so that the CPU kernel
        // can be chosen before the library initialises; this target only provides cblas.h.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CSystemZlib", path: "Sources/CSystemZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // Winograd's tile transforms in C, compiled per CPU level (AVX-512, AVX2, baseline) and
        // chosen at load time, and the AVX-512 matrix kernel of the 1×1 layers (run only where
        // the CPU has it); optimised in debug builds too, so tests run them at speed.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O2"])]),
        // The shared words (models and their pretrained sources, stage kinds, …): no
        // dependencies, so every other module can import it.
        .target(name: "MonkVocabulary"),
        .target(name: "MonkEngine", dependencies: ["MonkVocabulary", "CBLAS", "CKernels"], swiftSettings: fast,
                linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "MonkModels", dependencies: ["MonkEngine", "MonkVocabulary", "MonkData", "MonkReport"], swiftSettings: fast),
        .target(name: "MonkData", dependencies: ["MonkEngine", "MonkVocabulary", "CJPEG", "CPNG", "CSystemZlib",
                                                 .product(name: "Crypto", package: "swift-crypto")], swiftSettings: fast),
        .target(name: "MonkPlan", dependencies: ["MonkVocabulary", "CYAML"]),
        .target(name: "MonkReport"),
        .target(name: "MonkPipeline", dependencies: [
            "MonkVocabulary", "MonkEngine", "MonkModels", "MonkData", "MonkPlan", "MonkReport",
            .product(name: "Crypto", package: "swift-crypto"), "ZIPFoundation",
        ], swiftSettings: fast),
        .executableTarget(name: "monkpipe", dependencies: [
            "MonkPipeline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "MonkVocabularyTests", dependencies: ["MonkVocabulary"]),
        .testTarget(name: "MonkEngineTests", dependencies: ["MonkEngine", "MonkVocabulary"]),
        .testTarget(name: "MonkModelsTests", dependencies: ["MonkModels", "MonkVocabulary"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MonkDataTests", dependencies: ["MonkData", "MonkVocabulary"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MonkPlanTests", dependencies: ["MonkPlan", "MonkVocabulary"]),
        .testTarget(name: "MonkReportTests", dependencies: ["MonkReport"], exclude: ["bootstrap_reference.py"]),
        .testTarget(name: "MonkPipelineTests", dependencies: ["MonkPipeline", "MonkVocabulary", "MonkReport", "ZIPFoundation"], exclude: ["weights_server.py", "Fixtures"]),
        // Reads its fixtures by path (the binary it runs needs real files), so they are not resources.
        // MonkPlan: the CI workflow tests read the CI files with its YAML composer (libyaml).
        .testTarget(name: "monkpipeTests", dependencies: ["MonkPipeline", "MonkPlan"], exclude: ["Fixtures", "efficientnet_lite_reference.py"]),
    ]
)
