import Foundation
import XCTest
@testable import MediaIO

/// Audio output against the ffmpeg CLI (same libswresample) and window/padding behaviour.
final class DecodeAudioTests: XCTestCase {
    /// Reference: `ffmpeg -i X -af <filter> -ar R -f f32le -`.
    private func reference(_ path: String, filter: String, rate: Int) throws -> [Float] {
        DecodeFixtures.floats(try DecodeFixtures.ffmpeg(
            ["-i", path, "-vn", "-af", filter, "-ar", "\(rate)", "-f", "f32le", "-"]))
    }

    private func compare(_ path: String, mode: ChannelMode, engine: ResamplerEngine = .swr,
                         rate: Int = 16000, file: StaticString = #filePath, line: UInt = #line) throws {
        let info = try MediaReader(path: path).info
        let channels = info.audioChannels ?? 1
        var filter: String
        switch mode {
        case .first: filter = "pan=mono|c0=c0"
        case .mix:
            let gain = 1.0 / Double(channels)
            filter = "pan=mono|c0=" + (0..<channels).map { "\(gain)*c\($0)" }.joined(separator: "+")
        }
        if engine == .soxr { filter += ",aresample=\(rate):resampler=soxr:precision=20:cheby=0" }
        let expected = try reference(path, filter: filter, rate: rate)
        let got = try DecodeFixtures.decodeAudio(
            path, spec: AudioSpec(sampleRate: rate, channelMode: mode, engine: engine, padLeadingGap: false))
        let diff = DecodeFixtures.maxAbsDiff(got, expected)
        DecodeFixtures.report("audio \(mode) \(engine) \(rate) \((path as NSString).lastPathComponent): "
            + "n=\(got.count) ref=\(expected.count) maxdiff=\(diff)")
        XCTAssertEqual(got.count, expected.count, "sample count", file: file, line: line)
        XCTAssertLessThanOrEqual(diff, 1e-4, file: file, line: line)
    }

    func testSharedClipsFirstChannelMatchFFmpeg() throws {
        for path in try DecodeFixtures.sharedClips() { try compare(path, mode: .first) }
    }

    func testSharedClipsMixMatchFFmpeg() throws {
        for path in try DecodeFixtures.sharedClips() { try compare(path, mode: .mix) }
    }

    func testSoxrMixAt22050MatchesFFmpeg() throws {
        try compare(try DecodeFixtures.shared("his_girl_friday"), mode: .mix, engine: .soxr, rate: 22050)
        try compare(try DecodeFixtures.shared("gannets"), mode: .mix, engine: .soxr, rate: 22050)
    }

    func testGeneratedCodecsMatchFFmpeg() throws {
        let tone = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1",
                    "-f", "lavfi", "-i", "sine=frequency=1250:sample_rate=48000:duration=1",
                    "-filter_complex", "[0:a][1:a]join=inputs=2:channel_layout=stereo"]
        let clips = [
            try DecodeFixtures.generated("tone.ogg", tone + ["-c:a", "libvorbis"]),
            try DecodeFixtures.generated("tone.opus", tone + ["-c:a", "libopus", "-b:a", "64k"]),
            try DecodeFixtures.generated("tone.mp2", tone + ["-c:a", "mp2"]),
            try DecodeFixtures.generated("tone.wav", tone + ["-c:a", "pcm_s16le"]),
            try DecodeFixtures.generated("tone.mp3", tone + ["-c:a", "libmp3lame"]),
        ]
        for clip in clips {
            try compare(clip, mode: .first)
            try compare(clip, mode: .mix)
        }
    }

    func testLeadingGapIsPaddedToTheContainerStart() throws {
        let path = try DecodeFixtures.shared("h264_vorbis__exoplayer.mkv")
        let plain = try DecodeFixtures.decodeAudio(path, spec: AudioSpec(padLeadingGap: false))
        let padded = try DecodeFixtures.decodeAudio(path, spec: AudioSpec(padLeadingGap: true))
        let gap = padded.count - plain.count
        DecodeFixtures.report("leading gap mkv: \(gap) samples")
        XCTAssertGreaterThan(gap, 0)
        XCTAssertTrue(padded.prefix(gap).allSatisfy { $0 == 0 })
        XCTAssertEqual(Array(padded.dropFirst(gap)), plain)
    }

    func testWindowMatchesFullDecodeSlice() throws {
        let path = try DecodeFixtures.shared("his_girl_friday")
        let full = try DecodeFixtures.decodeAudio(path, spec: AudioSpec())
        for start in [0.5, 3.0, 4.25] {
            let part = try DecodeFixtures.decodeAudio(path, spec: AudioSpec(), start: start, duration: 1.0)
            XCTAssertEqual(part.count, 16000)
            let offset = Int((start * 16000).rounded())
            let slice = Array(full[offset..<(offset + part.count)])
            let diff = DecodeFixtures.maxAbsDiff(part, slice)
            let peak = slice.map(abs).max() ?? 0
            DecodeFixtures.report("audio window start=\(start): maxdiff=\(diff) (signal peak \(peak))")
            XCTAssertLessThanOrEqual(diff, 2e-3)
        }
    }

    func testSoxrWindowMatchesFullDecodeSlice() throws {
        let path = try DecodeFixtures.shared("gannets")   // 48 kHz mp3
        let spec = AudioSpec(sampleRate: 22050, channelMode: .mix, engine: .soxr)
        let full = try DecodeFixtures.decodeAudio(path, spec: spec)
        let part = try DecodeFixtures.decodeAudio(path, spec: spec, start: 2.5, duration: 1.0)
        XCTAssertEqual(part.count, 22050)
        let offset = Int((2.5 * 22050).rounded())
        let diff = DecodeFixtures.maxAbsDiff(part, Array(full[offset..<(offset + part.count)]))
        DecodeFixtures.report("soxr window start=2.5 (48k mp3 -> 22050): maxdiff=\(diff)")
        XCTAssertLessThanOrEqual(diff, 2e-3)
    }

    func testSilentAudioWebmDecodes() throws {
        let path = try DecodeFixtures.shared("SILENT_AUDIO")
        let samples = try DecodeFixtures.decodeAudio(path, spec: AudioSpec(channelMode: .mix))
        let info = try MediaReader(path: path).info
        DecodeFixtures.report("silent webm: \(samples.count) samples, peak \(samples.map(abs).max() ?? 0)")
        XCTAssertEqual(Double(samples.count) / 16000, info.duration ?? 0, accuracy: 0.2)
        XCTAssertLessThanOrEqual(samples.map(abs).max() ?? 1, 1e-3)
    }

    func testAudioOnlyFileAskedForVideo() throws {
        let path = try DecodeFixtures.generated("tone-only.wav", ["-f", "lavfi", "-i", "sine=duration=0.2", "-c:a", "pcm_s16le"])
        let reader = try MediaReader(path: path)
        XCTAssertThrowsError(try reader.decode(start: 0, duration: nil, audio: nil, video: VideoSpec(),
                                               onAudio: { _ in }, onFrame: { _ in })) { error in
            XCTAssertEqual("\(error)", "\(path): no video stream")
        }
        XCTAssertEqual(avErrorText(averrorEXIT), "Immediate exit requested")
    }
}
