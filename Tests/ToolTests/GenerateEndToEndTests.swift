import Foundation
import XCTest
@testable import MediaIO

/// Runs the built binary's `train` (the discriminator) and `generate` on tiny models.
final class GenerateEndToEndTests: XCTestCase {
    /// Tiny base models, fakes from them, and a discriminator trained (and resumed) on synth pairs.
    static func trainTinyDiscriminator(_ dir: URL) throws -> URL {
        let models = try BaseModelEndToEndTests.trainTinyModels(dir)
        let fake = dir.appendingPathComponent("fake.tar").path
        let sampled = try Tool.run(["sample", "--models", models.path, "--text", "fireworks", "--count", "2", "--steps", "2",
                                    "--sampler", "ddim", "-q", "-o", fake])
        XCTAssertEqual(sampled.status, 0, sampled.stderr)
        let tiny = ["--models", models.path, "--real", dir.appendingPathComponent("s.tar").path, "--fake", fake,
                    "--channels", "8,8", "--fusion-channels", "8", "--batch-size", "2", "--log-every", "1"]
        let ckpt = dir.appendingPathComponent("d.ckpt").path
        let first = try Tool.run(["train", "--steps", "2", "--checkpoint", ckpt, "-o", dir.appendingPathComponent("d2.safetensors").path] + tiny)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("16 real pairs (8 classes), 2 fake"), first.stderr)
        XCTAssertTrue(first.stderr.contains("step 2/2 disc"), first.stderr)
        XCTAssertTrue(first.stderr.contains(" dsm ") && first.stderr.contains(" acc "), first.stderr)
        XCTAssertTrue(first.stderr.contains("loss full, lambda 1.0, mismatched 0.5"), first.stderr)
        // A resumed run keeps the checkpoint's settings unless a flag changes them (a curriculum).
        let resumed = try Tool.run(["train", "--steps", "3", "--resume", ckpt, "--loss", "disc"] + tiny)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("loss disc, lambda 1.0, mismatched 0.5"), resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("step 3/3 disc") && resumed.stderr.contains(" dsm - "), resumed.stderr)
        try resumed.stdout.write(to: models.appendingPathComponent("discriminator.safetensors"))
        return models
    }

    func testTrainThenGenerateWritesAnMP4ThatFFprobeReads() throws {
        let dir = try Tool.temporaryDirectory(self)
        let models = try Self.trainTinyDiscriminator(dir)
        let common = ["--models", models.path, "--text", "playing drums", "--steps", "2", "--sampler", "ddim", "--seed", "5"]
        let mp4 = dir.appendingPathComponent("out.mp4").path
        let r = try Tool.run(["generate"] + common + ["-o", mp4])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("joint scales audio 1.0 video 1.0"), r.stderr)
        let probe = try Tool.shell("ffprobe -v error -show_entries stream=codec_name,width,height,nb_frames,duration -of compact '\(mp4)'")
        XCTAssertEqual(probe.status, 0, probe.stderr)
        XCTAssertTrue(String(decoding: probe.stdout, as: UTF8.self).contains("codec_name=h264|width=256|height=256"), probe.stderr)
        XCTAssertTrue(String(decoding: probe.stdout, as: UTF8.self).contains("nb_frames=16"), probe.stderr)
        XCTAssertTrue(String(decoding: probe.stdout, as: UTF8.self).contains("codec_name=aac"), probe.stderr)

        // Through a pipe: fragmented MP4 that ffprobe still reads.
        let piped = try Tool.shell("'\(Tool.binary.path)' generate \(common.map { "'\($0)'" }.joined(separator: " ")) -q --size 64 | ffprobe -v error -show_entries stream=codec_name,width -of compact -")
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertTrue(String(decoding: piped.stdout, as: UTF8.self).contains("codec_name=h264|width=64"), piped.stderr)

        // The baseline starts from the same noise: `generate --no-joint` equals `sample`.
        let baseline = try Tool.run(["generate"] + common + ["--no-joint", "--format", "tar", "-q"])
        XCTAssertEqual(baseline.status, 0, baseline.stderr)
        let sampled = try Tool.run(["sample", "--models", models.path, "--text", "playing drums", "--steps", "2",
                                    "--sampler", "ddim", "--seed", "5", "-q"])
        XCTAssertEqual(sampled.status, 0, sampled.stderr)
        let guided = try Tool.run(["generate"] + common + ["--format", "tar", "-q"])
        XCTAssertEqual(guided.status, 0, guided.stderr)
        let b = try tarSamples(baseline.stdout, dir, "b"), s = try tarSamples(sampled.stdout, dir, "s"), g = try tarSamples(guided.stdout, dir, "g")
        XCTAssertEqual(b.files["video.npy"], s.files["video.npy"])
        XCTAssertEqual(b.files["audio.npy"], s.files["audio.npy"])
        XCTAssertNotEqual(g.files["audio.npy"], b.files["audio.npy"], "the discriminator's residual changes the sample")
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(g.files["json"]))) as? [String: Any])
        XCTAssertEqual(json["joint"] as? Bool, true)
        XCTAssertEqual(json["source"] as? String, "generate")
    }

    func testOutDirAndMissingDiscriminator() throws {
        let dir = try Tool.temporaryDirectory(self)
        let models = try BaseModelEndToEndTests.trainTinyModels(dir)
        let common = ["--models", models.path, "--text", "footsteps", "--steps", "1", "--sampler", "ddim"]
        let missing = try Tool.run(["generate"] + common + ["-o", dir.appendingPathComponent("x.mp4").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no discriminator at \(models.path)/discriminator.safetensors"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.mp4").path), "no partial file")
        let out = dir.appendingPathComponent("clips")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let r = try Tool.run(["generate"] + common + ["--no-joint", "--count", "2", "--first", "3", "--out-dir", out.path, "-q"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(), ["000003_gen.mp4", "000004_gen.mp4"])
        XCTAssertEqual(try Tool.run(["generate", "--count", "0", "-o", "x.mp4"]).status, 64)
        XCTAssertEqual(try Tool.run(["generate", "--out-dir", out.path, "--format", "tar"]).status, 64)
        XCTAssertEqual(try Tool.run(["train", "--real", "a.tar", "--fake", "b.tar", "--loss", "hinge", "-o", "x"]).status, 64)
        let step = try Tool.run(["train", "--real", "a.tar", "--fake", "b.tar", "--max-step", "0", "-o", "x"])
        XCTAssertEqual(step.status, 64)
        XCTAssertTrue(step.stderr.contains("--max-step must be at least 1"), step.stderr)
    }

    /// The first sample of a tar held in memory.
    private func tarSamples(_ data: Data, _ dir: URL, _ name: String) throws -> WebDatasetSample {
        let path = dir.appendingPathComponent("\(name).tar")
        try data.write(to: path)
        return try XCTUnwrap(try Tool.samples(atPath: path.path).first)
    }
}
