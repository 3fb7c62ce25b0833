import Foundation
import MediaIO
import XCTest
@testable import Synth

/// Writes clips as .npy files for the optional Python AV-Align check (Tests/SynthTests/avalign_check.py).
///
/// Runs only when SYNTH_DUMP_DIR is set: `SYNTH_DUMP_DIR=/tmp/synth SYNTH_DUMP_COUNT=64 swift test --filter DumpForPython`.
final class DumpForPython: XCTestCase {
    func testDumpClips() throws {
        let env = ProcessInfo.processInfo.environment
        guard let dir = env["SYNTH_DUMP_DIR"] else { throw XCTSkip("SYNTH_DUMP_DIR not set") }
        let count = Int(env["SYNTH_DUMP_COUNT"] ?? "") ?? 64
        let seed = UInt64(env["SYNTH_DUMP_SEED"] ?? "") ?? 1
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let generator = SynthGenerator(seed: seed)
        var lines = ""
        for i in 0..<count {
            let clip = generator.clip(i)
            let name = String(format: "%06d", i)
            let audio = try NpyArray(float32: clip.audio, shape: [1, clip.audio.count])
            let video = try NpyArray(uint8: clip.video, shape: [clip.frames, 3, 64, 64])
            try Data(NpyCoding.encode(audio)).write(to: URL(fileURLWithPath: "\(dir)/\(name).audio.npy"))
            try Data(NpyCoding.encode(video)).write(to: URL(fileURLWithPath: "\(dir)/\(name).video.npy"))
            lines += "{\"key\":\"\(name)\",\"class_index\":\(clip.classIndex),\"event_times\":\(clip.eventTimes),\"event_frames\":\(clip.eventFrames)}\n"
        }
        try lines.write(toFile: "\(dir)/clips.jsonl", atomically: true, encoding: .utf8)
    }
}
