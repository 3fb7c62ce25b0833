import XCTest
@testable import AVAlign

/// Trajectory, video peaks and IoU against the reference runs.
final class ScoreGoldenTests: XCTestCase {
    /// Relative trajectory error where the reference magnitude is at least 0.05.
    func maxRelativeError(_ ours: [Double], _ ref: [Double]) -> Double {
        var e = 0.0
        for i in 0..<min(ours.count, ref.count) where ref[i] >= 0.05 {
            e = max(e, abs(ours[i] - ref[i]) / ref[i])
        }
        return e
    }

    func testRawFramesTrajectoryPeaksAndIoU() throws {
        let official = try Golden.json("golden_official.json")
        let ref = try XCTUnwrap(official["raw_frames_24fps_wav22k"] as? [String: Any])
        let refTraj = try XCTUnwrap(ref["flow_trajectory"] as? [Double])
        let refPeaks = try XCTUnwrap(ref["video_peaks"] as? [Double])
        let frames = try Golden.grayFrames()
        let traj = AVAlign.videoTrajectory(grayFrames: frames, width: 128, height: 128)
        XCTAssertEqual(traj.count, refTraj.count)
        let rel = maxRelativeError(traj, refTraj)
        print("trajectory max relative error: \(rel)")
        XCTAssertLessThanOrEqual(rel, 1e-3)
        assertSameTimes(VideoPeaks.peakTimes(traj, fps: 24), refPeaks)

        let y = try Golden.floats("audio_case_wav_librosa_22050.f32")
        let env = try AVAlign.onsetEnvelope(samples22050: y)
        let result = AVAlign.score(envelope: env, trajectory: traj, fps: 24)
        XCTAssertEqual(result.score, try XCTUnwrap(ref["iou"] as? Double))
        let legacy = AVAlign.score(envelope: env, trajectory: traj, fps: 24,
                                   config: AVAlignConfig(legacyManyToOne: true))
        XCTAssertEqual(legacy.score, try XCTUnwrap(ref["iou_old_many_to_one"] as? Double))

        // The 8 fps run: every third frame.
        let extra = try Golden.json("golden_extra.json")
        let fps8 = try XCTUnwrap(extra["fps8"] as? [String: Any])
        let ref8 = try XCTUnwrap(fps8["flow_trajectory"] as? [Double])
        let traj8 = AVAlign.videoTrajectory(grayFrames: stride(from: 0, to: frames.count, by: 3).map { frames[$0] },
                                            width: 128, height: 128)
        print("8 fps trajectory max relative error: \(maxRelativeError(traj8, ref8))")
        XCTAssertLessThanOrEqual(maxRelativeError(traj8, ref8), 1e-3)
        assertSameTimes(VideoPeaks.peakTimes(traj8, fps: 8), try XCTUnwrap(fps8["video_peaks"] as? [Double]))
        let r8 = AVAlign.score(envelope: env, trajectory: traj8, fps: 8)
        XCTAssertEqual(r8.score, try XCTUnwrap(fps8["iou_current"] as? Double))
        let r8old = AVAlign.score(envelope: env, trajectory: traj8, fps: 8, config: AVAlignConfig(legacyManyToOne: true))
        XCTAssertEqual(r8old.score, try XCTUnwrap(fps8["iou_old"] as? Double))
    }

    func testToyManyToOne() throws {
        let extra = try Golden.json("golden_extra.json")
        let toy = try XCTUnwrap(extra["toy_many_to_one"] as? [String: Any])
        let a = try XCTUnwrap(toy["audio"] as? [Double]), v = try XCTUnwrap(toy["video"] as? [Double])
        let fps = try XCTUnwrap(toy["fps"] as? Double)
        XCTAssertEqual(AVAlignScore.iou(audio: a, video: v, fps: fps), try XCTUnwrap(toy["iou_current"] as? Double))
        XCTAssertEqual(AVAlignScore.iou(audio: a, video: v, fps: fps, legacy: true), try XCTUnwrap(toy["iou_old"] as? Double))
    }

    func testEmptyAndShortInputsGiveReasons() {
        let r = AVAlign.score(envelope: [Float](repeating: 0, count: 10), trajectory: [0.5], fps: 24)
        XCTAssertNil(r.score)
        XCTAssertNotNil(r.reason)
        let r2 = AVAlign.score(envelope: [Float](repeating: 0, count: 10), trajectory: [0, 0, 0], fps: 24)
        XCTAssertNil(r2.score)
        XCTAssertEqual(r2.reason, "no audio onsets and no video peaks")
    }
}
