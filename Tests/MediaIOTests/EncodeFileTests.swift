import Foundation
import XCTest
@testable import MediaIO

/// MP4Writer to regular files, checked with ffprobe and an ffmpeg round trip.
final class EncodeFileTests: XCTestCase {
    let width = 64, height = 64, frames = 16, fps = 10.0

    /// Encodes the standard clip (16 frames of 64×64 at 10 fps + 1.6 s of audio) to `path`.
    private func encodeClip(to path: String, sampleRate: Int, options: MP4Options = MP4Options()) throws {
        let writer = try MP4Writer(path: path, width: width, height: height, fps: fps,
                                   sampleRate: sampleRate, options: options)
        let audio = EncodeFixture.sine(count: sampleRate * frames / Int(fps), sampleRate: max(sampleRate, 1))
        try EncodeFixture.feed(writer, width: width, height: height, frames: frames,
                               audio: sampleRate > 0 ? audio : [])
        try writer.finish()
    }

    func testFileStreamsProbe() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("clip.mp4").path
        try encodeClip(to: path, sampleRate: 16_000)

        let streams = try EncodeFixture.probeStreams(path)
        let video = try EncodeFixture.stream(streams, "video")
        XCTAssertEqual(video["codec_name"] as? String, "h264")
        XCTAssertEqual(video["pix_fmt"] as? String, "yuv420p")
        XCTAssertEqual(video["width"] as? Int, 64)
        XCTAssertEqual(video["height"] as? Int, 64)
        XCTAssertEqual(video["nb_read_frames"] as? String, "16")
        XCTAssertEqual(video["avg_frame_rate"] as? String, "10/1")
        let videoDuration = Double(video["duration"] as? String ?? "") ?? -1
        XCTAssertEqual(videoDuration, 1.6, accuracy: 0.1)

        let audio = try EncodeFixture.stream(streams, "audio")
        XCTAssertEqual(audio["codec_name"] as? String, "aac")
        XCTAssertEqual(audio["sample_rate"] as? String, "16000")
        XCTAssertEqual(audio["channels"] as? Int, 1)
        let audioDuration = Double(audio["duration"] as? String ?? "") ?? -1
        XCTAssertEqual(audioDuration, 1.6, accuracy: 0.1)

        // Normal MP4 with +faststart: the index comes before the media data.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let moov = try XCTUnwrap(EncodeFixture.boxOffset("moov", in: data))
        let mdat = try XCTUnwrap(EncodeFixture.boxOffset("mdat", in: data))
        XCTAssertLessThan(moov, mdat)
        XCTAssertNil(EncodeFixture.boxOffset("moof", in: data))
    }

    func testRoundTripVideoMAEAndAudioSNR() throws {
        for sampleRate in [16_000, 22_050, 48_000] {
            let dir = try EncodeFixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("clip.mp4").path
            try encodeClip(to: path, sampleRate: sampleRate)

            let decoded = try EncodeFixture.decodeVideo(path)
            let frameBytes = width * height * 3
            XCTAssertEqual(decoded.count, frames * frameBytes)
            var worst = 0.0
            for t in 0..<min(frames, decoded.count / frameBytes) {
                let original = EncodeFixture.pattern(width: width, height: height, frame: t)
                let mae = EncodeFixture.meanAbsoluteError(
                    original[...], decoded[(t * frameBytes)..<((t + 1) * frameBytes)])
                worst = max(worst, mae)
            }
            print("encode round trip \(sampleRate) Hz: worst frame MAE \(worst) levels")
            XCTAssertLessThanOrEqual(worst, 2.0)

            let reference = EncodeFixture.sine(count: sampleRate * frames / Int(fps), sampleRate: sampleRate)
            let audio = try EncodeFixture.decodeAudio(path, sampleRate: sampleRate)
            let lag = EncodeFixture.alignmentLag(reference: reference, decoded: audio, maxLag: 1100)
            let snr = EncodeFixture.snr(reference: reference, decoded: audio, lag: lag)
            let laterSNR = EncodeFixture.snr(reference: reference, decoded: audio, lag: lag,
                                             range: 1024..<reference.count)
            print("encode round trip \(sampleRate) Hz: \(audio.count) samples decoded for "
                  + "\(reference.count), best lag \(lag), SNR \(snr) dB (\(laterSNR) dB after the first frame)")
            XCTAssertGreaterThanOrEqual(snr, 20)
            // The MP4 edit list skips the 1024 AAC priming samples and ffmpeg honours it, so
            // decoded sample 0 is input sample 0. The edit list also gives the true length, but
            // ffmpeg 5.1 does not trim the end: the last frame comes out whole (silence-padded).
            XCTAssertEqual(lag, 0)
            XCTAssertGreaterThanOrEqual(audio.count, reference.count)
            XCTAssertLessThan(audio.count, reference.count + 1024)
            let stream = try EncodeFixture.stream(try EncodeFixture.probeStreams(path), "audio")
            XCTAssertEqual(stream["duration_ts"] as? Int, reference.count)
            XCTAssertEqual(stream["start_time"] as? String, "0.000000")
        }
    }

    func testUpscaleToSize() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.mp4").path
        try encodeClip(to: path, sampleRate: 16_000, options: MP4Options(size: 256))
        let video = try EncodeFixture.stream(try EncodeFixture.probeStreams(path), "video")
        XCTAssertEqual(video["width"] as? Int, 256)
        XCTAssertEqual(video["height"] as? Int, 256)
        XCTAssertEqual(video["nb_read_frames"] as? String, "16")
    }

    func testVideoOnly() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (index, (rate, options)) in [(0, MP4Options()), (16_000, MP4Options(audio: false))].enumerated() {
            let path = dir.appendingPathComponent("video\(index).mp4").path
            try encodeClip(to: path, sampleRate: rate, options: options)
            let streams = try EncodeFixture.probeStreams(path)
            XCTAssertEqual(streams.count, 1)
            XCTAssertEqual(try EncodeFixture.stream(streams, "video")["nb_read_frames"] as? String, "16")
        }
    }

    func testAudioStreamNeverFedStillFinishes() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("silent.mp4").path
        let writer = try MP4Writer(path: path, width: width, height: height, fps: fps,
                                   sampleRate: 22_050, options: MP4Options())
        try EncodeFixture.feed(writer, width: width, height: height, frames: frames, audio: [])
        try writer.finish()
        try writer.finish()  // a second finish is a no-op
        let video = try EncodeFixture.stream(try EncodeFixture.probeStreams(path), "video")
        XCTAssertEqual(video["nb_read_frames"] as? String, "16")
    }

    func testEightFPSWith22kHzAudio() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("eight.mp4").path
        let writer = try MP4Writer(path: path, width: width, height: height, fps: 8, sampleRate: 22_050,
                                   options: MP4Options())
        let audio = EncodeFixture.sine(count: 22_050 * 2, sampleRate: 22_050)
        try EncodeFixture.feed(writer, width: width, height: height, frames: 16, audio: audio)
        try writer.finish()
        let streams = try EncodeFixture.probeStreams(path)
        let video = try EncodeFixture.stream(streams, "video")
        XCTAssertEqual(video["avg_frame_rate"] as? String, "8/1")
        XCTAssertEqual(Double(video["duration"] as? String ?? "") ?? -1, 2.0, accuracy: 0.125)
        let sound = try EncodeFixture.stream(streams, "audio")
        XCTAssertEqual(sound["sample_rate"] as? String, "22050")
        XCTAssertEqual(Double(sound["duration"] as? String ?? "") ?? -1, 2.0, accuracy: 0.001)
    }

    func testNonIntegerFrameRate() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ntsc.mp4").path
        let writer = try MP4Writer(path: path, width: 32, height: 32, fps: 30000.0 / 1001.0,
                                   sampleRate: 0, options: MP4Options())
        try EncodeFixture.feed(writer, width: 32, height: 32, frames: 30, audio: [])
        try writer.finish()
        let video = try EncodeFixture.stream(try EncodeFixture.probeStreams(path), "video")
        XCTAssertEqual(video["avg_frame_rate"] as? String, "30000/1001")
        XCTAssertEqual(video["nb_read_frames"] as? String, "30")
        XCTAssertEqual(Double(video["duration"] as? String ?? "") ?? -1, 30 * 1001 / 30000.0, accuracy: 0.034)
    }

    func testBadInputIsRejected() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.mp4").path
        XCTAssertThrowsError(try MP4Writer(path: path, width: 63, height: 64, fps: 10,
                                           sampleRate: 0, options: MP4Options()))
        let writer = try MP4Writer(path: path, width: 64, height: 64, fps: 10, sampleRate: 0,
                                   options: MP4Options())
        let short = [UInt8](repeating: 0, count: 10)
        XCTAssertThrowsError(try short.withUnsafeBufferPointer { try writer.writeVideoFrame(rgb: $0) }) {
            guard case .invalidArgument = $0 as? EncodeError else { return XCTFail("\($0)") }
        }
    }
}
