import Foundation
import XCTest
@testable import MediaIO

/// Runs the built binary's `train-base` and `sample` on tiny configurations.
final class BaseModelEndToEndTests: XCTestCase {
    /// A 16-clip synth tar, and tiny audio and video models trained on it for a few steps.
    static func trainTinyModels(_ dir: URL) throws -> URL {
        let tar = dir.appendingPathComponent("s.tar").path
        XCTAssertEqual(try Tool.run(["synth", "--count", "16", "--seed", "3", "-q", "-o", tar]).status, 0)
        let models = dir.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let tiny = ["--channels", "8,8,16", "--batch-size", "2", "--log-every", "1"]
        let ckpt = dir.appendingPathComponent("a.ckpt").path
        let first = try Tool.run(["train-base", "--modality", "audio", tar, "--steps", "2", "--lr", "0.002", "--checkpoint", ckpt,
                                  "-o", dir.appendingPathComponent("a2.safetensors").path] + tiny)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("step 2/2 loss"), first.stderr)
        XCTAssertTrue(first.stderr.contains("clips/s"), first.stderr)
        let resumed = try Tool.run(["train-base", "--modality", "audio", tar, "--steps", "3", "--resume", ckpt,
                                    "-o", models.appendingPathComponent("audio.safetensors").path] + tiny)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("steps 2 -> 3"), resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("lr 0.002 cosine to step 3,"),
                      "a resumed run keeps the checkpoint's learning rate; its cosine ends at the new --steps: \(resumed.stderr)")
        XCTAssertTrue(resumed.stderr.contains("EMA 0.999"), "a resumed run keeps the parameter average: \(resumed.stderr)")
        XCTAssertTrue(resumed.stderr.contains("step 3/3"), resumed.stderr)
        // Weights on stdout when there is no -o.
        let video = try Tool.run(["train-base", "--modality", "video", tar, "--steps", "2", "-q"] + tiny)
        XCTAssertEqual(video.status, 0, video.stderr)
        try video.stdout.write(to: models.appendingPathComponent("video.safetensors"))
        return models
    }

    func testTrainThenSampleWritesPrepFormatPairs() throws {
        let dir = try Tool.temporaryDirectory(self)
        let models = try Self.trainTinyModels(dir)
        let out = dir.appendingPathComponent("out.tar").path
        let r = try Tool.run(["sample", "--models", models.path, "--text", "playing drums", "--count", "2",
                              "--steps", "2", "--sampler", "ddim", "--seed", "5", "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let pairs = try Tool.samples(atPath: out)
        XCTAssertEqual(pairs.map(\.key), ["000000_gen", "000001_gen"])
        for pair in pairs {
            let audio = try NpyCoding.decode(try XCTUnwrap(pair.files["audio.npy"]))
            XCTAssertEqual(audio.dtype, .float32)
            XCTAssertEqual(audio.shape, [1, 25_600])
            let video = try NpyCoding.decode(try XCTUnwrap(pair.files["video.npy"]))
            XCTAssertEqual(video.dtype, .uint8)
            XCTAssertEqual(video.shape, [16, 3, 64, 64])
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(pair.files["json"]))) as? [String: Any])
            XCTAssertEqual(json["caption"] as? String, "playing drums")
            XCTAssertEqual(json["sampler"] as? String, "ddim")
        }
        XCTAssertNotEqual(pairs[0].files["video.npy"], pairs[1].files["video.npy"], "each sample has its own noise")
        // Sample 1 of a run depends only on the seed and its index.
        let shard = try Tool.run(["sample", "--models", models.path, "--text", "playing drums", "--first", "1", "--count", "1",
                                  "--steps", "2", "--sampler", "ddim", "--seed", "5", "-q"])
        XCTAssertEqual(shard.status, 0, shard.stderr)
        let shardPath = dir.appendingPathComponent("shard.tar")
        try shard.stdout.write(to: shardPath)
        XCTAssertEqual(try Tool.samples(atPath: shardPath.path).first?.files["video.npy"], pairs[1].files["video.npy"])

        let unknown = try Tool.run(["sample", "--models", models.path, "--text", "zzqx blorp", "--count", "1",
                                    "--steps", "1", "--sampler", "ddim", "--cfg-audio", "1", "--cfg-video", "1", "-o", dir.appendingPathComponent("u.tar").path])
        XCTAssertEqual(unknown.status, 0, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("generating unconditionally"), unknown.stderr)
    }

    /// Training on audio must not decode the video entries: here they are not even npy files.
    func testAudioTrainingNeverReadsTheVideo() throws {
        let dir = try Tool.temporaryDirectory(self)
        let r = try Tool.shell("""
            set -e; cd '\(dir.path)'; '\(Tool.binary.path)' synth --count 4 -q -o s.tar; mkdir x; tar xf s.tar -C x
            for f in x/*.video.npy; do echo junk > "$f"; done
            tar cf junk.tar --sort=name -C x .
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let junk = dir.appendingPathComponent("junk.tar").path
        let audio = try Tool.run(["train-base", "--modality", "audio", junk, "--steps", "1", "--channels", "8,8,16", "-q",
                                  "--spectrogram-hop", "0", "--spectral", "-o", dir.appendingPathComponent("a.safetensors").path])
        XCTAssertEqual(audio.status, 0, audio.stderr)
        // --spectral preconditions waveform audio per band, with deviations measured on the
        // clips: synth sounds are mostly low, so the lowest 250 Hz band deviates most.
        let bands = try XCTUnwrap(try Self.config(of: dir.appendingPathComponent("a.safetensors"))["bandStd"] as? [Double])
        XCTAssertEqual(bands.count, 32)
        XCTAssertEqual(bands.firstIndex(of: bands.max() ?? 0), 0, "\(bands)")
        XCTAssertGreaterThan(bands[0], 10 * bands[31], "\(bands)")
        let flat = try Tool.run(["train-base", "--modality", "audio", junk, "--steps", "1", "--channels", "8,8,16", "-q",
                                 "-o", dir.appendingPathComponent("flat.safetensors").path])
        XCTAssertEqual(flat.status, 0, flat.stderr)
        // The default audio model works on the spectrogram, one 100-bin frame per position.
        let standard = try Self.config(of: dir.appendingPathComponent("flat.safetensors"))
        XCTAssertEqual(standard["bandStd"] as? [Double], [])
        XCTAssertEqual(standard["spectrogramHop"] as? Int, 100)
        XCTAssertEqual(standard["fold"] as? Int, 100)
        XCTAssertEqual(standard["muLaw"] as? Double, 0)
        let video = try Tool.run(["train-base", "--modality", "video", junk, "--steps", "1", "--channels", "8,8,16", "-q",
                                  "-o", dir.appendingPathComponent("v.safetensors").path])
        XCTAssertEqual(video.status, 2, "the video entries are unreadable")
    }

    func testMissingModelsAndBadFlagsAreErrors() throws {
        let dir = try Tool.temporaryDirectory(self)
        let r = try Tool.run(["sample", "--models", dir.path, "--count", "1", "-o", dir.appendingPathComponent("o.tar").path])
        XCTAssertEqual(r.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.tar").path))
        XCTAssertEqual(try Tool.run(["sample", "--steps", "0", "-o", "x.tar"]).status, 64)
        XCTAssertEqual(try Tool.run(["train-base", "--modality", "smell", "-o", "x"]).status, 64)
        XCTAssertEqual(try Tool.run(["train-base", "--modality", "audio", "--channels", "8,8", "-o", "x"]).status, 64)
        let context = try Tool.run(["train-base", "--modality", "audio", "--temporal-context", "-o", "x"])
        XCTAssertEqual(context.status, 64)
        XCTAssertTrue(context.stderr.contains("the temporal context is for video models"), context.stderr)
        let motion = try Tool.run(["train-base", "--modality", "audio", "--motion-std", "0.1", "-o", "x"])
        XCTAssertEqual(motion.status, 64)
        XCTAssertTrue(motion.stderr.contains("--motion-std is for video models"), motion.stderr)
        let negative = try Tool.run(["train-base", "--modality", "video", "--motion-std=-1", "-o", "x"])
        XCTAssertEqual(negative.status, 64)
        XCTAssertTrue(negative.stderr.contains("motion deviation"), negative.stderr)
        for flag in ["--spectral", "--mu-law=255"] {
            let r = try Tool.run(["train-base", "--modality", "audio", flag, "-o", "x"])
            XCTAssertEqual(r.status, 64, "\(flag) needs the waveform (--spectrogram-hop 0)")
        }
        XCTAssertEqual(try Tool.run(["train-base", "--modality", "video", "--spectrogram-hop", "100", "-o", "x"]).status, 64)
        for flag in ["--spectral", "--mu-law=255"] {
            let r = try Tool.run(["train-base", "--modality", "video", flag, "-o", "x"])
            XCTAssertEqual(r.status, 64, flag)
            XCTAssertTrue(r.stderr.contains("is for audio models"), r.stderr)
        }
    }

    /// The network configuration stored in a weights file's safetensors metadata.
    static func config(of url: URL) throws -> [String: Any] {
        let bytes = try Data(contentsOf: url)
        let length = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + length))) as? [String: Any])
        let metadata = try XCTUnwrap(header["__metadata__"] as? [String: String])
        let json = try XCTUnwrap(metadata["config"])
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }
}
