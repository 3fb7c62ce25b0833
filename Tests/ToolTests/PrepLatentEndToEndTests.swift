import Foundation
import XCTest
@testable import MediaIO

/// Runs the built binary's `prep --preset latent` and `encode --video-vae` with the tiny golden VAEs.
final class PrepLatentEndToEndTests: XCTestCase {
    var fixture: String { Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path }
    var videoVAE: String { Tool.packageRoot.appendingPathComponent("fixtures/latent/tiny-video-vae").path }
    var audioVAE: String { Tool.packageRoot.appendingPathComponent("fixtures/latent/tiny-audio-vae").path }

    func samples(_ data: Data) throws -> [WebDatasetSample] { try Tool.samples(in: data, self) }

    func prep(_ extra: [String]) throws -> (status: Int32, samples: [WebDatasetSample], stderr: String) {
        let r = try Tool.run(["prep", "--preset", "latent", "--video-vae", videoVAE, "--audio-vae", audioVAE] + extra,
                             stdin: Data("\(fixture)\n".utf8))
        return (r.status, r.status == 0 ? try samples(r.stdout) : [], r.stderr)
    }

    func testWritesLatentsBesideThePixelsWithTheirShapes() throws {
        let r = try prep([])
        XCTAssertEqual(r.status, 0, r.stderr)
        let s = try XCTUnwrap(r.samples.first)
        XCTAssertEqual(Set(s.files.keys), ["audio.npy", "audio_latent.npy", "json", "video.npy", "video_latent.npy"])
        let v = try NpyCoding.decode(try XCTUnwrap(s.files["video_latent.npy"]))
        XCTAssertEqual(v.shape, [4, 16, 32, 32])
        XCTAssertEqual(v.dtype, .float32)
        let a = try NpyCoding.decode(try XCTUnwrap(s.files["audio_latent.npy"]))
        XCTAssertEqual(a.shape, [8, 50, 16])
        XCTAssertGreaterThan(try v.floats().map(abs).max() ?? 0, 0, "the latent is not all zeros")
        let json = try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(s.files["json"]))) as? [String: Any]
        let latent = try XCTUnwrap(json?["latent"] as? [String: Any])
        XCTAssertEqual(latent["posterior"] as? String, "mean")
        XCTAssertEqual(latent["video_scaling_factor"] as? Double ?? 0, 0.18215, accuracy: 1e-6)
        XCTAssertEqual(json?["preset"] as? String, "latent")
    }

    func testLatentsOnlyAndSeededSampling() throws {
        let mean = try prep(["--latents-only"])
        XCTAssertEqual(mean.status, 0, mean.stderr)
        XCTAssertEqual(Set(try XCTUnwrap(mean.samples.first).files.keys), ["audio_latent.npy", "json", "video_latent.npy"])
        let a = try prep(["--latents-only", "--sample", "--seed", "7"]), b = try prep(["--latents-only", "--sample", "--seed", "7"])
        let c = try prep(["--latents-only", "--sample", "--seed", "8"])
        XCTAssertEqual(a.status, 0, a.stderr)
        let za = a.samples.first?.files["video_latent.npy"]
        XCTAssertEqual(za, b.samples.first?.files["video_latent.npy"], "the same seed draws the same latent")
        XCTAssertNotEqual(za, c.samples.first?.files["video_latent.npy"])
        XCTAssertNotEqual(za, mean.samples.first?.files["video_latent.npy"])
    }

    func testEncodeDecodesVideoLatentsToFrames() throws {
        let dir = try Tool.temporaryDirectory(self)
        let r = try prep(["--latents-only", "-o", dir.appendingPathComponent("z.tar").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = dir.appendingPathComponent("z.mp4").path
        let e = try Tool.run(["encode", "--video-vae", videoVAE, "-o", out, dir.appendingPathComponent("z.tar").path])
        XCTAssertEqual(e.status, 0, e.stderr)
        let info = try MediaReader(path: out, limits: DecodeLimits()).info
        XCTAssertEqual(info.displayWidth, 256)
        let without = try Tool.run(["encode", "-o", out, dir.appendingPathComponent("z.tar").path])
        XCTAssertNotEqual(without.status, 0)
        XCTAssertTrue(without.stderr.contains("--video-vae"), without.stderr)
    }

    func testMismatchedWeightsAreRefusedNamingEachTensor() throws {
        let dir = try Tool.temporaryDirectory(self)
        let bad = dir.appendingPathComponent("vae")
        try FileManager.default.createDirectory(at: bad, withIntermediateDirectories: true)
        // the audio VAE's config with the video VAE's weights
        try FileManager.default.copyItem(atPath: audioVAE + "/config.json", toPath: bad.appendingPathComponent("config.json").path)
        try FileManager.default.copyItem(atPath: videoVAE + "/diffusion_pytorch_model.safetensors",
                                         toPath: bad.appendingPathComponent("diffusion_pytorch_model.safetensors").path)
        let r = try Tool.run(["prep", "--preset", "latent", "--audio-vae", bad.path], stdin: Data("\(fixture)\n".utf8))
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("encoder.conv_in.weight: shape [8, 3, 3, 3], expected [8, 1, 3, 3]"), r.stderr)
        XCTAssertTrue(r.stderr.contains("encoder.down_blocks.3.resnets.0.conv1.weight: unexpected"), r.stderr)
        let flags = try Tool.run(["prep", "--preset", "latent"], stdin: Data("\(fixture)\n".utf8))
        XCTAssertNotEqual(flags.status, 0)
        XCTAssertTrue(flags.stderr.contains("--video-vae"), flags.stderr)
    }
}
