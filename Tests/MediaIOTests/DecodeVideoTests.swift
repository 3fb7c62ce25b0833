import Foundation
import XCTest
@testable import MediaIO

/// Frames against `ffmpeg -vf fps=…,scale=…,pad|crop` and selection/rotation/seek behaviour.
final class DecodeVideoTests: XCTestCase {
    /// Reference frames from the ffmpeg CLI as packed RGB24, `side`×`side` each.
    private func reference(_ path: String, fps: Double, side: Int, fit: FrameFit, count: Int) throws -> [[UInt8]] {
        let fitFilter = fit == .pad
            ? "scale=\(side):\(side):force_original_aspect_ratio=decrease:flags=bicubic,pad=\(side):\(side):(ow-iw)/2:(oh-ih)/2"
            : "scale=\(side):\(side):force_original_aspect_ratio=increase:flags=bicubic,crop=\(side):\(side)"
        let data = try DecodeFixtures.ffmpeg(["-i", path, "-an", "-vf", "fps=\(fps),\(fitFilter)",
                                              "-frames:v", "\(count)", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"])
        let bytes = [UInt8](data)
        let frameSize = side * side * 3
        return stride(from: 0, to: bytes.count - frameSize + 1, by: frameSize).map { Array(bytes[$0..<($0 + frameSize)]) }
    }

    /// Compares MediaReader with ffmpeg; returns the worst per-frame mean absolute difference.
    @discardableResult
    private func compare(_ path: String, side: Int = 64, fit: FrameFit = .pad, fps: Double = 10, count: Int = 16,
                         file: StaticString = #filePath, line: UInt = #line) throws -> Double {
        let expected = try reference(path, fps: fps, side: side, fit: fit, count: count)
        let got = try DecodeFixtures.decodeFrames(
            path, spec: VideoSpec(fps: fps, size: side, fit: fit, pixels: .rgb24, maxFrames: count))
        XCTAssertEqual(got.count, expected.count, "frame count for \(path)", file: file, line: line)
        var worst = 0.0
        var worstIndex = -1
        for (frame, ref) in zip(got, expected) {
            XCTAssertEqual(frame.width, side, file: file, line: line)
            let diff = DecodeFixtures.meanAbsDiff(frame.pixels, ref[...])
            if diff > worst { worst = diff; worstIndex = frame.index }
        }
        DecodeFixtures.report("frames \(fit) \(side) fps=\(fps) \((path as NSString).lastPathComponent): "
            + "n=\(got.count) ref=\(expected.count) worst mean abs diff=\(String(format: "%.3f", worst)) at \(worstIndex)")
        XCTAssertLessThanOrEqual(worst, 1.0, "\(path)", file: file, line: line)
        return worst
    }

    func testSharedClipsPad64MatchFFmpeg() throws {
        for path in try DecodeFixtures.sharedClips() { try compare(path) }
    }

    func testSharedClipsCrop256MatchFFmpeg() throws {
        for path in try DecodeFixtures.sharedClips() { try compare(path, side: 256, fit: .crop, count: 6) }
    }

    func testGeneratedCodecsMatchFFmpeg() throws {
        let src = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1"]
        let clips = [
            try DecodeFixtures.generated("hevc.mp4", src + ["-c:v", "libx265", "-x265-params", "log-level=error", "-pix_fmt", "yuv420p"]),
            try DecodeFixtures.generated("vp9.webm", src + ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"]),
            try DecodeFixtures.generated("mpeg2.mpg", src + ["-c:v", "mpeg2video", "-q:v", "3", "-f", "vob"]),
            try DecodeFixtures.generated("mjpeg.avi", src + ["-c:v", "mjpeg", "-q:v", "3"]),
            try DecodeFixtures.generated("h264.flv", src + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]),
            try DecodeFixtures.generated("mpeg4.avi", src + ["-c:v", "mpeg4", "-q:v", "3"]),
            try DecodeFixtures.generated("h264.mov", src + ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]),
        ]
        let tenBit = try DecodeFixtures.generated("hevc10.mkv", src + ["-c:v", "libx265", "-x265-params", "log-level=error",
                                                                   "-pix_fmt", "yuv420p10le"])
        for clip in clips + [tenBit] {
            try compare(clip)
            try compare(clip, side: 96, fit: .crop, count: 4)
            // Native size: the same conversion as `ffmpeg -sws_flags bicubic -pix_fmt rgb24`.
            let native = try DecodeFixtures.decodeFrames(clip, spec: VideoSpec(maxFrames: 1))
            let ref = [UInt8](try DecodeFixtures.ffmpeg(["-i", clip, "-frames:v", "1", "-sws_flags", "bicubic",
                                                        "-pix_fmt", "rgb24", "-f", "rawvideo", "-"]))
            let diff = DecodeFixtures.meanAbsDiff(native.first?.pixels ?? [], ref[...])
            DecodeFixtures.report("native rgb24 \((clip as NSString).lastPathComponent) vs ffmpeg: mean abs diff \(diff)")
            XCTAssertEqual(native.first?.pixels.count, ref.count)
            XCTAssertLessThanOrEqual(diff, 1.0)
        }
    }

    func testRotatedClipsComeOutRotatedLikeFFmpeg() throws {
        for degrees in [90, 180, 270] {
            let path = try DecodeFixtures.rotatedMP4(degrees: degrees)
            let info = try MediaReader(path: path).info
            let swapped = degrees != 180
            XCTAssertEqual(info.rotation, degrees)
            XCTAssertEqual(info.width, 160)
            XCTAssertEqual(info.displayWidth, swapped ? 96 : 160)
            XCTAssertEqual(info.displayHeight, swapped ? 160 : 96)
            try compare(path)
            try compare(path, side: 64, fit: .crop, count: 4)
            let native = try DecodeFixtures.decodeFrames(path, spec: VideoSpec(maxFrames: 1))
            XCTAssertEqual(native.first?.width, swapped ? 96 : 160)
            XCTAssertEqual(native.first?.height, swapped ? 160 : 96)
            let ref = [UInt8](try DecodeFixtures.ffmpeg(["-i", path, "-frames:v", "1", "-sws_flags", "bicubic",
                                                        "-pix_fmt", "rgb24", "-f", "rawvideo", "-"]))
            let diff = DecodeFixtures.meanAbsDiff(native.first?.pixels ?? [], ref[...])
            DecodeFixtures.report("native rotated \(degrees) vs ffmpeg: mean abs diff \(diff)")
            XCTAssertLessThanOrEqual(diff, 1.0)
            let raw = try DecodeFixtures.decodeFrames(path, spec: VideoSpec(maxFrames: 1, autorotate: false))
            XCTAssertEqual(raw.first?.width, 160)
        }
    }

    func testVariableFrameRateSelectionMatchesFFmpeg() throws {
        let path = try DecodeFixtures.vfrClip()
        try compare(path, count: 20)
        try compare(path, fps: 7, count: 14)
        try compare(path, fps: 25, count: 50)
    }

    func testFrameCountAtTheEndMatchesFFmpeg() throws {
        // (source rate, duration, output fps): cases where the last frame's duration decides the count.
        for (rate, duration, fps) in [(25, "0.52", 3.0), (25, "0.2", 10.0), (24, "1.0", 9.0), (30, "1", 4.0)] {
            let path = try DecodeFixtures.generated("end-\(rate)-\(duration).mkv", [
                "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=\(rate):duration=\(duration)",
                "-c:v", "libx264", "-preset", "ultrafast"])
            try compare(path, fps: fps, count: 100)
        }
    }

    func testFractionalRatesMatchFFmpeg() throws {
        let path = try DecodeFixtures.shared("his_girl_friday")
        try compare(path, fps: 29.97, count: 20)
        try compare(path, fps: 12.5, count: 16)
    }

    func testOnScreenTimingTakesTheLastFrameAtOrBeforeEachSlot() throws {
        let path = try DecodeFixtures.vfrClip()
        let times = try DecodeFixtures.decodeFrames(path, spec: VideoSpec(size: 8)).map(\.sourceTime)
        for start in [0.0, 0.45] {
            let frames = try DecodeFixtures.decodeFrames(
                path, spec: VideoSpec(fps: 7, size: 8, timing: .onScreen), start: start, duration: 1.2)
            XCTAssertEqual(frames.count, 9)
            for frame in frames {
                let expected = times.last(where: { $0 <= frame.time + 1e-9 }) ?? times[0]
                XCTAssertEqual(frame.sourceTime, expected, accuracy: 1e-9, "slot \(frame.index) at \(frame.time)")
            }
        }
    }

    func testAV1ClipDecodes() throws {
        let path = try DecodeFixtures.shared("av1_aac")
        let frames = try DecodeFixtures.decodeFrames(path, spec: VideoSpec(fps: 10, size: 64))
        XCTAssertGreaterThanOrEqual(frames.count, 10)
    }

    func testSeekedWindowGivesTheSameFramesAsAFullDecode() throws {
        let path = try DecodeFixtures.shared("his_girl_friday")
        let spec = VideoSpec(fps: 10, size: 64)
        let full = try DecodeFixtures.decodeFrames(path, spec: spec)
        let reader = try MediaReader(path: path)
        var window: [VideoFrame] = []
        try reader.decode(start: 3.0, duration: 1.5, audio: AudioSpec(), video: spec,
                          onAudio: { _ in }, onFrame: { window.append($0) })
        let windowPackets = reader.packetsRead
        try reader.decode(start: 0, duration: nil, audio: AudioSpec(), video: spec, onAudio: { _ in }, onFrame: { _ in })
        DecodeFixtures.report("seeked window 3.0+1.5 s read \(windowPackets) packets, full pass \(reader.packetsRead)")
        XCTAssertLessThan(windowPackets, reader.packetsRead * 2 / 3)
        XCTAssertEqual(window.count, 15)
        for frame in window {
            XCTAssertEqual(frame.pixels, full[frame.index + 30].pixels, "slot \(frame.index)")
            XCTAssertEqual(frame.time, 3.0 + Double(frame.index) / 10, accuracy: 1e-9)
        }
    }

    func testNativeFramesAreEveryFrameInOrder() throws {
        let path = try DecodeFixtures.shared("water_stream")
        let frames = try DecodeFixtures.decodeFrames(path, spec: VideoSpec(pixels: .bgr24, maxFrames: 5))
        XCTAssertEqual(frames.count, 5)
        XCTAssertEqual(frames.map(\.width), Array(repeating: 480, count: 5))
        XCTAssertEqual(frames.first?.pixels.count, 480 * 360 * 3)
        XCTAssertEqual(zip(frames, frames.dropFirst()).allSatisfy { $0.time < $1.time }, true)
        // Same-size conversion is the one ffmpeg's swscale makes for -pix_fmt bgr24 -sws_flags bicubic.
        let ref = [UInt8](try DecodeFixtures.ffmpeg(["-i", path, "-an", "-frames:v", "1", "-sws_flags", "bicubic",
                                                    "-pix_fmt", "bgr24", "-f", "rawvideo", "-"]))
        let diff = DecodeFixtures.meanAbsDiff(frames[0].pixels, ref[...])
        DecodeFixtures.report("native bgr24 water_stream vs ffmpeg: mean abs diff \(diff)")
        XCTAssertLessThanOrEqual(diff, 1.0)
    }
}
