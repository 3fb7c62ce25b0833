import MediaIO
import XCTest
@testable import AVAlign

/// Gray frames and the trajectory of case.mp4 through MediaIO's decoder.
///
/// `gray_96x128x128.u8` holds the synthetic clip's raw frames (before H.264 coding), so
/// the decoded frames differ from it (by 1.85 gray levels on average, as OpenCV's own
/// decode does). The bit-exact check is against OpenCV 5.0.0's decode instead:
/// `cv2.VideoCapture("case.mp4")` + `cvtColor(BGR2GRAY)` over all 96 frames, digested
/// as FNV-1a 64 over the frame-major bytes (`bench/av-align/gray_digest.py` reproduces it).
final class DecodeGoldenTests: XCTestCase {
    static let openCVGrayFNV1a: UInt64 = 0x0097_d7cd_964e_95a8
    static let openCVGraySum = 188_118_257

    func fnv1a(_ frames: [[UInt8]]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for f in frames { for b in f { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01b3 } }
        return h
    }

    func testGrayFramesOfCaseMP4MatchOpenCVBitExactly() throws {
        let url = try Golden.url("case.mp4")
        let reader = try MediaReader(path: url.path)
        var frames: [[UInt8]] = []
        try reader.decode(start: 0, duration: nil, audio: nil,
                          video: VideoSpec(fps: nil, size: nil, fit: .pad, pixels: .bgr24, autorotate: false),
                          onAudio: { _ in },
                          onFrame: { f in frames.append(GrayConversion.gray(bgr24: f.pixels, width: f.width, height: f.height)) })
        XCTAssertEqual(frames.count, 96)
        XCTAssertEqual(reader.info.videoFPS, 24)
        XCTAssertEqual(frames.reduce(0) { $0 + $1.reduce(0) { $0 + Int($1) } }, Self.openCVGraySum)
        XCTAssertEqual(fnv1a(frames), Self.openCVGrayFNV1a)

    }

    /// The runner's trajectory and video peaks against the reference's mp4 run (case.mp4
    /// has no audio track; the reference took its audio from case.wav).
    func testRunnerTrajectoryOnCaseMP4() throws {
        let url = try Golden.url("case.mp4")
        let (result, _) = try AVAlignRunner.run(path: url.path)
        XCTAssertEqual(result.frames, 96)
        XCTAssertEqual(result.fps, 24)
        XCTAssertEqual(result.audioPeaks, [])
        let official = try Golden.json("golden_official.json")
        let ref = try XCTUnwrap(official["mp4_wav22k"] as? [String: Any])
        let refTraj = try XCTUnwrap(ref["flow_trajectory"] as? [Double])
        var rel = 0.0
        for i in 0..<min(result.trajectory.count, refTraj.count) where refTraj[i] >= 0.05 {
            rel = max(rel, abs(result.trajectory[i] - refTraj[i]) / refTraj[i])
        }
        print("mp4 trajectory max relative error: \(rel)")
        XCTAssertLessThanOrEqual(rel, 1e-3)
        assertSameTimes(result.videoPeaks, try XCTUnwrap(ref["video_peaks"] as? [Double]))
        // With case.wav's onsets, as the reference combined them.
        let y = try Golden.floats("audio_case_wav_librosa_22050.f32")
        let env = try AVAlign.onsetEnvelope(samples22050: y)
        let combined = AVAlign.score(envelope: env, trajectory: result.trajectory, fps: result.fps)
        XCTAssertEqual(combined.score, try XCTUnwrap(ref["iou"] as? Double))
    }
}
