import Foundation
import Tensor
import XCTest
@testable import Latent

/// The Swift AutoencoderKL against outputs diffusers computed once (bench/latent/make_golden.py).
final class GoldenVAETests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/latent").standardizedFileURL

    /// Max |a - b| / max(|b|max, 1e-6) over all elements.
    func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
        XCTAssertEqual(a.shape, b.shape)
        let x = a.scalars, y = b.scalars
        let scale = max(y.map(abs).max() ?? 0, 1e-6)
        var worst: Float = 0
        for i in x.indices { worst = max(worst, abs(x[i] - y[i])) }
        return worst / scale
    }

    func check(_ name: String) throws {
        let golden = try Safetensors(contentsOf: Self.root.appendingPathComponent("golden.safetensors"))
        let vae = try AutoencoderKL(directory: Self.root.appendingPathComponent("tiny-\(name)-vae"))
        guard let x = golden.tensors["\(name).input"], let mean = golden.tensors["\(name).mean"],
              let logvar = golden.tensors["\(name).logvar"], let decoded = golden.tensors["\(name).decoded"] else {
            return XCTFail("golden.safetensors lacks \(name) tensors")
        }
        let post = try vae.encode(x)
        XCTAssertLessThan(relativeError(post.mean, mean), 1e-4, "\(name) mean")
        XCTAssertLessThan(relativeError(post.logVariance, logvar), 1e-4, "\(name) logvar")
        let y = try vae.decode(mean)
        XCTAssertLessThan(relativeError(y, decoded), 1e-4, "\(name) decoded")
    }

    func testTinyVideoVAEMatchesDiffusers() throws { try check("video") }

    func testTinyAudioVAEMatchesDiffusers() throws { try check("audio") }

    func testShapesFollowTheConfig() throws {
        let vae = try AutoencoderKL(directory: Self.root.appendingPathComponent("tiny-video-vae"))
        XCTAssertEqual(vae.config.downsampleFactor, 8)
        let post = try vae.encode(Tensor.zeros([1, 3, 64, 32]))
        XCTAssertEqual(post.mean.shape, [1, 4, 8, 4])
        XCTAssertEqual(try vae.decode(post.mean).shape, [1, 3, 64, 32])
        XCTAssertThrowsError(try vae.encode(Tensor.zeros([1, 3, 60, 32])))
        XCTAssertThrowsError(try vae.encode(Tensor.zeros([1, 1, 64, 32])))
    }
}
