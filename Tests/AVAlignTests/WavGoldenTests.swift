import MediaIO
import XCTest
@testable import AVAlign

/// The wav inputs through MediaIO (soxr HQ to 22,050 Hz), as librosa loads them.
final class WavGoldenTests: XCTestCase {
    func load(_ name: String) throws -> (samples: [Float], nativeRate: Int) {
        let url = try Golden.url(name)
        let reader = try MediaReader(path: url.path)
        var y: [Float] = []
        try reader.decode(start: 0, duration: nil,
                          audio: AudioSpec(sampleRate: 22_050, channelMode: .mix, engine: .soxr, padLeadingGap: false),
                          video: nil, onAudio: { y.append(contentsOf: $0) }, onFrame: { _ in })
        return (y, reader.info.audioSampleRate ?? 0)
    }

    func testCaseWavSamplesAreLibrosas() throws {
        let ref = try Golden.floats("audio_case_wav_librosa_22050.f32")
        let (y, rate) = try load("case.wav")
        XCTAssertEqual(rate, 22_050)
        XCTAssertEqual(y.count, ref.count)
        var maxErr: Float = 0
        for (a, b) in zip(y, ref) { maxErr = max(maxErr, abs(a - b)) }
        print("case.wav samples max error vs librosa: \(maxErr)")
        XCTAssertLessThanOrEqual(maxErr, 1e-6)
    }

    func testCase16kOnsetsMatchLibrosa() throws {
        let (y, rate) = try load("case_16k.wav")
        XCTAssertEqual(rate, 16_000)
        let official = try Golden.json("golden_official.json")
        let ref = try XCTUnwrap(official["raw_frames_24fps_wav16k"] as? [String: Any])
        print("16k -> 22050: \(y.count) samples, reference \(ref["n_samples"] ?? "?")")
        let refEnv = try XCTUnwrap(ref["onset_env"] as? [Double])
        let env = try AVAlign.onsetEnvelope(samples22050: y)
        var maxErr = 0.0
        for i in 0..<min(env.count, refEnv.count) { maxErr = max(maxErr, abs(Double(env[i]) - refEnv[i])) }
        print("16k envelope: \(env.count) frames (reference \(refEnv.count)), max abs error \(maxErr)")
        XCTAssertEqual(AVAlign.onsetFrames(envelope: env), try XCTUnwrap(ref["onset_frames"] as? [Int]))
    }
}
