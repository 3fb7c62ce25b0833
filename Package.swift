// swift-tools-version:6.0
import PackageDescription

/// A system-library target for one C library, found through its own pkg-config file.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig,
                   providers: [.apt([apt])])
}

let package = Package(
    name: "mmdisco-av",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mmdisco-av", targets: ["Tool"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        systemLibrary("CAVFormat", pkgConfig: "libavformat", apt: "libavformat-dev"),
        systemLibrary("CAVCodec", pkgConfig: "libavcodec", apt: "libavcodec-dev"),
        systemLibrary("CAVUtil", pkgConfig: "libavutil", apt: "libavutil-dev"),
        systemLibrary("CSWScale", pkgConfig: "libswscale", apt: "libswscale-dev"),
        systemLibrary("CSWResample", pkgConfig: "libswresample", apt: "libswresample-dev"),
        systemLibrary("COpenBLAS", pkgConfig: "openblas", apt: "libopenblas-dev"),

        .target(name: "MediaIO",
                dependencies: ["CAVFormat", "CAVCodec", "CAVUtil", "CSWScale", "CSWResample"]),
        .target(name: "Tensor", dependencies: ["COpenBLAS"],
                // AVX2/FMA code for the elementwise kernels (haswell: AVX2 + FMA, any x86-64 CPU since 2015);
                // optimised in debug builds too, so tests that train small networks stay fast.
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release)),
                                .unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Optimised in debug builds too: the tests run optical flow on real frames.
        .target(name: "AVAlign", dependencies: ["MediaIO", "CAVUtil", "CAVFormat"],
                swiftSettings: [.unsafeFlags(["-O"])]),
        // Optimised in debug builds too: tests train and sample small networks.
        .target(name: "Guidance", dependencies: ["Tensor"], swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "Synth"),
        // The VAEs of latent video and audio models (inference on the Tensor engine).
        .target(name: "Latent", dependencies: ["Tensor"], swiftSettings: [.unsafeFlags(["-O"])]),
        .executableTarget(
            name: "Tool",
            dependencies: [
                "MediaIO", "AVAlign", "Guidance", "Tensor", "Synth", "Latent",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Benchmark drivers (not products).
        .executableTarget(name: "AVAlignBench", dependencies: ["AVAlign", "MediaIO"],
                          path: "bench/av-align/AVAlignBench"),
        .executableTarget(name: "BaseModelsBench", dependencies: ["MediaIO", "Synth"],
                          path: "bench/base-models/BaseModelsBench"),
        .executableTarget(name: "DiscriminatorBySteps", dependencies: ["MediaIO", "Synth", "Guidance", "Tensor"],
                          path: "bench/generate/DiscriminatorBySteps"),
        .executableTarget(name: "BaseModelsDenoise", dependencies: ["MediaIO", "Synth", "Guidance", "Tensor"],
                          path: "bench/base-models/BaseModelsDenoise"),
        .executableTarget(name: "LatentBench", dependencies: ["Latent", "Tensor", "MediaIO"], path: "bench/latent/LatentBench"),
        .executableTarget(name: "TensorBench", dependencies: ["Tensor", "COpenBLAS"], path: "bench/tensor/Sources/TensorBench"),

        .testTarget(name: "MediaIOTests", dependencies: ["MediaIO"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "AVAlignTests", dependencies: ["AVAlign", "MediaIO"]),
        .testTarget(name: "GuidanceTests", dependencies: ["Guidance"]),
        .testTarget(name: "SynthTests", dependencies: ["Synth", "MediaIO"]),
        .testTarget(name: "LatentTests", dependencies: ["Latent", "Tensor"]),
        .testTarget(name: "ToolTests", dependencies: ["Tool"]),
    ],
    swiftLanguageModes: [.v6]
)
