import Foundation
import MediaIO
import XCTest

/// AudioLDM's log-mel front end against a stored reference (bench/latent/mel_reference.py --fixture:
/// 1.0 s of a real clip at 16 kHz, float64 librosa with AudioLDM's settings).
final class AudioLDMMelTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../fixtures/latent").standardizedFileURL

    func load(_ name: String) throws -> NpyArray {
        try NpyCoding.decode([UInt8](Data(contentsOf: Self.root.appendingPathComponent(name))))
    }

    func testMatchesTheStoredReferenceWithin1e4() throws {
        let input = try load("mel-input.npy"), reference = try load("mel-reference.npy")
        XCTAssertEqual(input.shape, [16_000])
        XCTAssertEqual(reference.shape, [100, 64])
        let mel = try AudioLDMMel(frames: 100).logMel(try input.floats())
        let ref = try reference.floats()
        XCTAssertEqual(mel.count, ref.count)
        var worst: Float = 0
        for i in ref.indices { worst = max(worst, abs(mel[i] - ref[i])) }
        XCTAssertLessThan(worst, 1e-4)
    }

    func testSilenceIsTheClampFloorAndShortInputIsPadded() throws {
        let mel = try AudioLDMMel(frames: 20).logMel([Float](repeating: 0, count: 1000))
        XCTAssertEqual(mel.count, 20 * 64)
        for v in mel { XCTAssertEqual(v, Float(log(1e-5)), accuracy: 1e-6) }
    }

    func testTwoSecondsGiveTwoHundredRows() {
        XCTAssertEqual(AudioLDMMel.frames(forSamples: 32_000), 200)
        XCTAssertEqual(AudioLDMMel.frames(forSamples: 163_840), 1024)
    }
}
