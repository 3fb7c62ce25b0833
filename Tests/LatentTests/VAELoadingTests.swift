import Foundation
import Tensor
import XCTest
@testable import Latent

/// Loader and configuration errors name what is wrong.
final class VAELoadingTests: XCTestCase {
    let config = VAEConfig(inChannels: 1, outChannels: 1, latentChannels: 2, blockOutChannels: [4, 8],
                           layersPerBlock: 1, normNumGroups: 2)

    func testRoundTripThroughSafetensors() throws {
        let a = AutoencoderKL(config: config)
        var rng = Xoshiro256(seed: 3)
        for (_, p) in a.namedParameters() { p.assign(Tensor.uniform(p.shape, -1, 1, rng: &rng)) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vae-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(a.namedParameters(), to: url)
        let b = AutoencoderKL(config: config)
        try b.loadWeights(contentsOf: url)
        for ((na, pa), (nb, pb)) in zip(a.namedParameters(), b.namedParameters()) {
            XCTAssertEqual(na, nb)
            XCTAssertEqual(pa.scalars, pb.scalars, na)
        }
    }

    func testEveryMissingUnexpectedAndMisshapenTensorIsNamed() throws {
        let a = AutoencoderKL(config: config)
        var tensors = a.namedParameters().filter { $0.0 != "encoder.conv_in.bias" && $0.0 != "decoder.conv_out.weight" }
        tensors = tensors.map { $0.0 == "quant_conv.weight" ? ($0.0, Tensor.zeros([4, 4, 3, 3])) : $0 }
        tensors.append(("encoder.extra.weight", Tensor.zeros([1])))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vae-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(tensors, to: url)
        XCTAssertThrowsError(try AutoencoderKL(config: config).loadWeights(contentsOf: url)) { error in
            guard case let LatentError.weightsMismatch(path, problems) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, url.path)
            XCTAssertEqual(problems.count, 4, "\(problems)")
            XCTAssertTrue(problems.contains { $0.hasPrefix("encoder.conv_in.bias: missing") })
            XCTAssertTrue(problems.contains { $0.hasPrefix("decoder.conv_out.weight: missing") })
            XCTAssertTrue(problems.contains { $0 == "quant_conv.weight: shape [4, 4, 3, 3], expected [4, 4, 1, 1]" })
            XCTAssertTrue(problems.contains { $0 == "encoder.extra.weight: unexpected" })
            XCTAssertTrue("\(error)".contains("4 tensor(s)"))
        }
    }

    func testDeprecatedAttentionNamesAreAccepted() {
        XCTAssertEqual(AutoencoderKL.currentName("encoder.mid_block.attentions.0.query.weight"),
                       "encoder.mid_block.attentions.0.to_q.weight")
        XCTAssertEqual(AutoencoderKL.currentName("decoder.mid_block.attentions.0.proj_attn.bias"),
                       "decoder.mid_block.attentions.0.to_out.0.bias")
        XCTAssertEqual(AutoencoderKL.currentName("encoder.conv_in.weight"), "encoder.conv_in.weight")
    }

    func testConfigDefaultsAndErrors() throws {
        let c = try VAEConfig(json: Data(#"{"_class_name": "AutoencoderKL", "block_out_channels": [128, 256, 512, 512], "layers_per_block": 2, "scaling_factor": 0.18215}"#.utf8))
        XCTAssertEqual(c.blockOutChannels, [128, 256, 512, 512])
        XCTAssertEqual(c.latentChannels, 4)
        XCTAssertEqual(c.normNumGroups, 32)
        XCTAssertEqual(c.downsampleFactor, 8)
        let bad: [(String, String)] = [
            (#"{"_class_name": "AutoencoderTiny"}"#, "only AutoencoderKL"),
            (#"{"block_out_channels": [30], "norm_num_groups": 32}"#, "not divisible"),
            (#"{"latent_channels": -1}"#, "latent_channels"),
            (#"{"block_out_channels": [64], "down_block_types": ["DownBlock2D"]}"#, "DownBlock2D"),
            ("[1, 2]", "not a JSON object"),
        ]
        for (json, needle) in bad {
            XCTAssertThrowsError(try VAEConfig(json: Data(json.utf8), path: "x/config.json")) { error in
                XCTAssertTrue("\(error)".contains(needle), "\(error)")
                XCTAssertTrue("\(error)".hasPrefix("x/config.json: "), "\(error)")
            }
        }
    }

    func testMissingDirectoryIsAnIOError() {
        XCTAssertThrowsError(try AutoencoderKL(directory: URL(fileURLWithPath: "/nonexistent/vae"))) { error in
            XCTAssertTrue("\(error)".contains("/nonexistent/vae/config.json"), "\(error)")
        }
    }
}
