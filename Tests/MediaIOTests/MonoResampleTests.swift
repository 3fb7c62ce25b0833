import Foundation
import XCTest
@testable import MediaIO

/// In-memory resampling agrees with resampling while decoding the same samples from a file.
final class MonoResampleTests: XCTestCase {
    func testInMemorySoxrMatchesTheDecoderPath() throws {
        let rate = 16_000
        let samples = (0..<rate).map { i -> Float in
            let t = Float(i) / Float(rate)
            return 0.5 * sinf(2 * .pi * 440 * t) * (i % 4000 < 2000 ? 1 : 0.2)
        }
        let wav = FileManager.default.temporaryDirectory.appendingPathComponent("mono-\(UUID().uuidString).wav")
        defer { try? FileManager.default.removeItem(at: wav) }
        try Self.floatWAV(samples, rate: rate).write(to: wav)

        var decoded: [Float] = []
        let reader = try MediaReader(path: wav.path)
        try reader.decode(start: 0, duration: nil,
                          audio: AudioSpec(sampleRate: 22_050, channelMode: .first, engine: .soxr, padLeadingGap: false),
                          video: nil, onAudio: { decoded.append(contentsOf: $0) }, onFrame: { _ in })
        let inMemory = try MonoResample.resample(samples, from: rate, to: 22_050, engine: .soxr)
        XCTAssertEqual(inMemory.count, decoded.count)
        XCTAssertEqual(Double(inMemory.count), Double(rate) * 22_050 / 16_000, accuracy: 2)
        let maxDiff = zip(inMemory, decoded).map { abs($0 - $1) }.max() ?? 1
        XCTAssertLessThan(maxDiff, 1e-5)
        XCTAssertEqual(try MonoResample.resample(samples, from: rate, to: rate), samples)
        XCTAssertThrowsError(try MonoResample.resample(samples, from: 0, to: rate))
    }

    /// A minimal IEEE-float mono WAV.
    static func floatWAV(_ samples: [Float], rate: Int) -> Data {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + samples.count * 4)
        d.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16); u16(3); u16(1); u32(rate); u32(rate * 4); u16(4); u16(32)
        d.append(contentsOf: Array("data".utf8)); u32(samples.count * 4)
        samples.withUnsafeBytes { d.append(contentsOf: $0) }
        return d
    }
}
