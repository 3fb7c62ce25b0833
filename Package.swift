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
                // AVX2/FMA code for the elementwise kernels (haswell: AVX2 + FMA, any x86-64 CPU since 2015)
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release))]),
        .target(name: "AVAlign", dependencies: ["MediaIO", "CAVUtil"]),
        .target(name: "Guidance", dependencies: ["Tensor"]),
        .executableTarget(
            name: "Tool",
            dependencies: [
                "MediaIO", "AVAlign", "Guidance", "Tensor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .executableTarget(name: "TensorBench", dependencies: ["Tensor", "COpenBLAS"], path: "bench/tensor/Sources/TensorBench"),

        .testTarget(name: "MediaIOTests", dependencies: ["MediaIO"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "AVAlignTests", dependencies: ["AVAlign", "MediaIO"]),
        .testTarget(name: "ToolTests", dependencies: ["Tool"]),
    ],
    swiftLanguageModes: [.v6]
)
