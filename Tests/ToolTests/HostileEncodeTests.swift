import Foundation
import XCTest
@testable import MediaIO

/// `encode` on damaged archives and tensors: a documented exit and a message naming the sample,
/// never a trap.
final class HostileEncodeTests: XCTestCase {
    /// A sample with a 2-frame 16x16 video, 0.1 s of audio and the given sidecar.
    func sample(_ key: String = "k", json: [String: Any]? = nil, audio: [UInt8]? = nil,
                video: [UInt8]? = nil) throws -> [(name: String, data: [UInt8])] {
        var entries: [(name: String, data: [UInt8])] = [(name: "\(key).audio.npy", data: try audio ?? Hostile.float32([1, 1600]))]
        if let json { entries.append((name: "\(key).json", data: try Hostile.json(json))) }
        entries.append((name: "\(key).video.npy", data: try video ?? Hostile.uint8([2, 3, 16, 16])))
        return entries
    }

    func encode(_ tar: Data, _ arguments: [String] = []) throws -> Tool.Result {
        try Tool.run(["encode"] + arguments, stdin: tar)
    }

    // Found by the hostile tests: `SampleTensors` read `shape[0]` of a 0-d audio array.
    func testRegressionZeroDimensionalAudioNpyIsAnErrorNotACrash() throws {
        let scalar = NpyCoding.encode(try NpyArray(float32: [0.5], shape: []))
        let r = try encode(Hostile.tar(try sample(audio: scalar)))
        Hostile.assertNoCrash(r, "0-d audio.npy")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("k: ") && r.stderr.contains("audio must be float32 [1, N] or [N]"), r.stderr)
    }

    // Found by the hostile tests: a sidecar sample_rate over Int32.max trapped converting it for the AAC encoder.
    func testRegressionSidecarSampleRateOverInt32IsAnErrorNotACrash() throws {
        let r = try encode(Hostile.tar(try sample(json: ["fps": 10, "sample_rate": 3_000_000_000])))
        Hostile.assertNoCrash(r, "sample_rate 3e9")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("k: ") && r.stderr.contains("sample_rate"), r.stderr)
    }

    // Found by the hostile tests: a sidecar fps of 1e300 trapped computing the keyframe interval of piped output.
    func testRegressionSidecarFpsOf1e300IsAnErrorNotACrash() throws {
        let r = try encode(Hostile.tar(try sample(json: ["fps": 1e300, "sample_rate": 16_000])))
        Hostile.assertNoCrash(r, "fps 1e300")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("k: ") && r.stderr.contains("fps"), r.stderr)
    }

    // Found by the hostile tests: the same traps were reachable from the --fps and --sample-rate flags.
    func testRegressionHugeFpsAndSampleRateFlagsAreUsageErrors() throws {
        let dir = try Tool.temporaryDirectory(self)
        let video = dir.appendingPathComponent("x.video.npy"), audio = dir.appendingPathComponent("x.audio.npy")
        try Data(try Hostile.uint8([2, 3, 16, 16])).write(to: video)
        try Data(try Hostile.float32([1, 1600])).write(to: audio)
        for flags in [["--fps", "1e300"], ["--sample-rate", "3000000000"]] {
            let r = try Tool.run(["encode"] + flags + [video.path, audio.path])
            Hostile.assertNoCrash(r, "\(flags)")
            XCTAssertEqual(r.status, 64, "\(flags): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(flags[0]), r.stderr)
        }
    }
}
