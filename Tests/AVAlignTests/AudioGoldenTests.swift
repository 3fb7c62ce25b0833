import XCTest
@testable import AVAlign

/// Onset envelope and onset frames against librosa 0.11.0 on the synthetic clip.
final class AudioGoldenTests: XCTestCase {
    func testOnsetEnvelopeAndFramesMatchLibrosa() throws {
        let y = try Golden.floats("audio_case_wav_librosa_22050.f32")
        let official = try Golden.json("golden_official.json")
        let ref = try XCTUnwrap(official["raw_frames_24fps_wav22k"] as? [String: Any])
        let refEnv = try XCTUnwrap(ref["onset_env"] as? [Double])
        let refFrames = try XCTUnwrap(ref["onset_frames"] as? [Int])
        let refPeaks = try XCTUnwrap(ref["audio_peaks"] as? [Double])

        let env = try AVAlign.onsetEnvelope(samples22050: y)
        XCTAssertEqual(env.count, refEnv.count)
        var maxErr = 0.0
        for i in 0..<min(env.count, refEnv.count) { maxErr = max(maxErr, abs(Double(env[i]) - refEnv[i])) }
        print("onset envelope max abs error: \(maxErr)")
        XCTAssertLessThan(maxErr, 1e-3)

        let extra = try Golden.json("golden_extra.json")
        let refNorm = try XCTUnwrap(extra["onset_env_normalized"] as? [Double])
        let norm = OnsetDetect.normalize(env)
        var maxNormErr = 0.0
        for i in 0..<min(norm.count, refNorm.count) { maxNormErr = max(maxNormErr, abs(Double(norm[i]) - refNorm[i])) }
        print("normalised envelope max abs error: \(maxNormErr)")

        let frames = AVAlign.onsetFrames(envelope: env)
        XCTAssertEqual(frames, refFrames)
        assertSameTimes(frames.map(OnsetDetect.time(frame:)), refPeaks)
    }

    func testPeakPickParametersAt22050() {
        let p = OnsetDetect.Parameters()
        XCTAssertEqual([p.preMax, p.postMax, p.preAvg, p.postAvg, p.wait], [1, 1, 4, 5, 1])
        XCTAssertEqual(OnsetDetect.Parameters(waitSeconds: 0.096).wait, 4)
    }
}
