import Foundation
import MediaIO
import XCTest
@testable import Synth

/// Clips written as the prep tar format (as `mmdisco-av synth` does) read back intact.
final class TarFormatTests: XCTestCase {
    /// Writes clips 0..<count of `generator` to a tar at `path`: KEY.audio.npy, KEY.json, KEY.video.npy.
    func writeTar(_ generator: SynthGenerator, count: Int, to path: String) throws {
        let sink = try ByteSink(creating: path)
        let tar = TarWriter(sink: sink)
        for i in 0..<count {
            let clip = generator.clip(i)
            let key = String(format: "%06d_w000", i)
            try tar.appendAll([
                (name: "\(key).audio.npy", data: NpyCoding.encode(try NpyArray(float32: clip.audio, shape: [1, clip.audio.count]))),
                (name: "\(key).json", data: Array(clip.metadataJSON(key: key, seed: generator.seed, index: i).utf8)),
                (name: "\(key).video.npy", data: NpyCoding.encode(try NpyArray(uint8: clip.video, shape: [clip.frames, 3, 64, 64]))),
            ])
        }
        try tar.finish()
    }

    func testRoundTripAndIdenticalBytes() throws {
        let dir = NSTemporaryDirectory() + "synth-tar-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let generator = SynthGenerator(seed: 77)
        try writeTar(generator, count: 3, to: dir + "/a.tar")
        try writeTar(SynthGenerator(seed: 77), count: 3, to: dir + "/b.tar")
        try writeTar(SynthGenerator(seed: 78), count: 3, to: dir + "/c.tar")
        let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.tar"))
        XCTAssertEqual(a, try Data(contentsOf: URL(fileURLWithPath: dir + "/b.tar")))
        XCTAssertNotEqual(a, try Data(contentsOf: URL(fileURLWithPath: dir + "/c.tar")))

        let reader = WebDatasetReader(tar: TarReader(source: try ByteSource(path: dir + "/a.tar")))
        var index = 0
        while let sample = try reader.next() {
            let clip = generator.clip(index)
            XCTAssertEqual(sample.key, String(format: "%06d_w000", index))
            XCTAssertEqual(Set(sample.files.keys), ["audio.npy", "json", "video.npy"])
            let audio = try NpyCoding.decode(sample.files["audio.npy"] ?? [])
            XCTAssertEqual(audio.dtype, .float32)
            XCTAssertEqual(audio.shape, [1, 25_600])
            XCTAssertEqual(try audio.floats(), clip.audio)
            let video = try NpyCoding.decode(sample.files["video.npy"] ?? [])
            XCTAssertEqual(video.dtype, .uint8)
            XCTAssertEqual(video.shape, [16, 3, 64, 64])
            XCTAssertEqual(video.data, clip.video)
            let json = try JSONSerialization.jsonObject(with: Data(sample.files["json"] ?? [])) as? [String: Any]
            XCTAssertEqual(json?["source"] as? String, "synth")
            XCTAssertEqual(json?["class_index"] as? Int, clip.classIndex)
            XCTAssertEqual(json?["caption"] as? String, clip.caption)
            XCTAssertEqual(json?["fps"] as? Int, 10)
            XCTAssertEqual(json?["sample_rate"] as? Int, 16_000)
            XCTAssertEqual(json?["frames"] as? Int, 16)
            XCTAssertEqual(json?["size"] as? Int, 64)
            XCTAssertEqual(json?["seed"] as? Int, 77)
            let times = json?["event_times"] as? [Double] ?? []
            XCTAssertEqual(times.count, clip.eventTimes.count)
            for (t, u) in zip(times, clip.eventTimes) { XCTAssertEqual(t, u, accuracy: 1e-6) }
            index += 1
        }
        XCTAssertEqual(index, 3)
    }
}
