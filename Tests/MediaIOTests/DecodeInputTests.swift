import Foundation
import XCTest
@testable import MediaIO

/// Stdin/pipe inputs, errors, limits, timeouts and callback errors.
final class DecodeInputTests: XCTestCase {
    override func setUp() {
        super.setUp()
        // Feeder threads may still write when a pass stops early and the read end is closed.
        signal(SIGPIPE, SIG_IGN)
    }

    /// A pipe whose write end is fed with `data` (then closed) from a background thread.
    private func pipe(feeding data: Data?) throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard Glibc.pipe(&fds) == 0 else { throw XCTSkip("pipe() failed") }
        let (r, w) = (fds[0], fds[1])
        if let data {
            let thread = Thread {
                data.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count, let base = raw.baseAddress {
                        let n = Glibc.write(w, base + offset, raw.count - offset)
                        if n <= 0 { break }
                        offset += n
                    }
                }
                close(w)
            }
            thread.start()
        }
        return (r, w)
    }

    private struct Output: Equatable {
        var audio: [Float] = []
        var frames: [[UInt8]] = []
    }

    private func decodeBoth(_ reader: MediaReader) throws -> Output {
        var out = Output()
        try reader.decode(start: 0, duration: nil, audio: AudioSpec(), video: VideoSpec(fps: 10, size: 64),
                          onAudio: { out.audio.append(contentsOf: $0) }, onFrame: { out.frames.append($0.pixels) })
        return out
    }

    func testPipeGivesTheSameOutputAsThePath() throws {
        for fragment in ["his_girl_friday", "h264_vorbis__exoplayer.mkv"] {
            let path = try DecodeFixtures.shared(fragment)
            let fromPath = try decodeBoth(try MediaReader(path: path))
            let fds = try pipe(feeding: try Data(contentsOf: URL(fileURLWithPath: path)))
            defer { close(fds.read) }
            let reader = try MediaReader(fileDescriptor: fds.read, name: "pipe")
            XCTAssertFalse(reader.info.seekable)
            let fromPipe = try decodeBoth(reader)
            DecodeFixtures.report("stdin \(fragment): audio \(fromPipe.audio.count) samples, \(fromPipe.frames.count) frames, "
                + "identical=\(fromPipe == fromPath)")
            XCTAssertEqual(fromPipe.audio.count, fromPath.audio.count)
            XCTAssertEqual(fromPipe.frames.count, fromPath.frames.count)
            XCTAssertEqual(fromPipe, fromPath)
            XCTAssertThrowsError(try decodeBoth(reader)) { error in
                XCTAssertEqual((error as? MediaError)?.kind, .unsupported)
            }
        }
    }

    func testMP4WithMoovAtTheEndOnAPipeFailsClearly() throws {
        // A remux of a shared clip: ffmpeg writes moov after mdat unless told to move it.
        let path = try DecodeFixtures.generated("moov-at-end.mp4", ["-i", try DecodeFixtures.shared("his_girl_friday"),
                                                                  "-c", "copy"])
        let fds = try pipe(feeding: try Data(contentsOf: URL(fileURLWithPath: path)))
        defer { close(fds.read) }
        do {
            let reader = try MediaReader(fileDescriptor: fds.read, name: "pipe")
            var frames = 0
            try reader.decode(start: 0, duration: nil, audio: nil, video: VideoSpec(size: 16),
                              onAudio: { _ in }, onFrame: { _ in frames += 1 })
            XCTFail("decoded \(frames) frames from a pipe without moov")
        } catch {
            DecodeFixtures.report("moov at end on a pipe: \(error)")
            XCTAssertTrue("\(error)".hasPrefix("pipe: "), "\(error)")
            XCTAssertTrue("\(error)".contains("faststart"), "\(error)")
        }
    }

    func testWindowOnAPipeDecodesAndDiscards() throws {
        let path = try DecodeFixtures.shared("his_girl_friday")
        var fromPath: [Float] = []
        try MediaReader(path: path).decode(start: 3.0, duration: 1.0, audio: AudioSpec(), video: nil,
                                           onAudio: { fromPath.append(contentsOf: $0) }, onFrame: { _ in })
        let fds = try pipe(feeding: try Data(contentsOf: URL(fileURLWithPath: path)))
        defer { close(fds.read) }
        var fromPipe: [Float] = []
        try MediaReader(fileDescriptor: fds.read, name: "pipe").decode(
            start: 3.0, duration: 1.0, audio: AudioSpec(), video: nil,
            onAudio: { fromPipe.append(contentsOf: $0) }, onFrame: { _ in })
        XCTAssertEqual(fromPipe.count, 16000)
        XCTAssertLessThanOrEqual(DecodeFixtures.maxAbsDiff(fromPipe, fromPath), 1e-6)
    }

    func testDashMeansStandardInput() throws {
        let path = try DecodeFixtures.shared("h264_vorbis__exoplayer.mkv")
        let fds = try pipe(feeding: try Data(contentsOf: URL(fileURLWithPath: path)))
        let saved = dup(0)   // -1 when the runner has no stdin (CI); then fd 0 is simply closed after
        if fds.read != 0 {
            XCTAssertEqual(dup2(fds.read, 0), 0)
            close(fds.read)
        }
        defer {
            if saved >= 0 { dup2(saved, 0); close(saved) } else { close(0) }
        }
        let reader = try MediaReader(path: "-")
        XCTAssertEqual(reader.info.path, "-")
        XCTAssertTrue(reader.info.hasVideo)
        let fromStdin = try decodeBoth(reader)
        XCTAssertEqual(fromStdin, try decodeBoth(try MediaReader(path: path)))
    }

    private func openError(_ path: String, limits: DecodeLimits = .init()) -> MediaError? {
        do {
            _ = try MediaReader(path: path, limits: limits)
            return nil
        } catch {
            return error as? MediaError
        }
    }

    func testMissingFileNamesPathAndReason() {
        let error = openError("/nonexistent/clip.mp4")
        XCTAssertEqual(error?.description.hasPrefix("/nonexistent/clip.mp4: No such file or directory"), true,
                       error?.description ?? "no error")
    }

    func testHTMLPageNamedMP4IsInvalidData() throws {
        let url = DecodeFixtures.scratch.appendingPathComponent("page.mp4")
        try Data("<!DOCTYPE html><html><head><title>Not found</title></head><body>404</body></html>\n".utf8).write(to: url)
        let error = openError(url.path)
        XCTAssertEqual(error?.description.hasPrefix("\(url.path): Invalid data found when processing input"), true,
                       error?.description ?? "no error")
    }

    func testZeroLengthFile() throws {
        let url = DecodeFixtures.scratch.appendingPathComponent("empty.mp4")
        try Data().write(to: url)
        let error = openError(url.path)
        XCTAssertEqual(error?.description.hasPrefix("\(url.path): empty file"), true, error?.description ?? "no error")
    }

    func testVideoOnlyFileAskedForAudio() throws {
        let path = try DecodeFixtures.generated("video-only.mp4", ["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=0.5",
                                                                 "-c:v", "libx264", "-preset", "ultrafast"])
        let reader = try MediaReader(path: path)
        XCTAssertFalse(reader.info.hasAudio)
        XCTAssertThrowsError(try reader.decode(start: 0, duration: nil, audio: AudioSpec(), video: nil,
                                               onAudio: { _ in }, onFrame: { _ in })) { error in
            XCTAssertEqual((error as? MediaError)?.description, "\(path): no audio stream")
            XCTAssertEqual((error as? MediaError)?.kind, .missingStream)
        }
    }

    func testFrameLimitsRejectBeforeDecoding() throws {
        let path = try DecodeFixtures.shared("webcam_face_1s__h264_aac")
        for limits in [DecodeLimits(maxWidth: 1000), DecodeLimits(maxPixels: 500_000)] {
            let reader = try MediaReader(path: path, limits: limits)
            XCTAssertThrowsError(try reader.decode(start: 0, duration: nil, audio: nil, video: VideoSpec(),
                                                   onAudio: { _ in }, onFrame: { _ in XCTFail("decoded") })) { error in
                XCTAssertEqual((error as? MediaError)?.kind, .limitExceeded)
                XCTAssertTrue("\(error)".contains("1080x720"), "\(error)")
            }
        }
        let long = try MediaReader(path: path, limits: DecodeLimits(maxDuration: 0.5))
        XCTAssertThrowsError(try long.decode(start: 0, duration: nil, audio: AudioSpec(), video: nil,
                                             onAudio: { _ in }, onFrame: { _ in })) { error in
            XCTAssertEqual((error as? MediaError)?.kind, .limitExceeded)
        }
    }

    func testTruncatedFileDecodesWhatIsThere() throws {
        let path = try DecodeFixtures.shared("his_girl_friday")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let url = DecodeFixtures.scratch.appendingPathComponent("truncated.mp4")
        try data.prefix(data.count / 2).write(to: url)
        var frames = 0, samples = 0
        try MediaReader(path: url.path).decode(start: 0, duration: nil, audio: AudioSpec(), video: VideoSpec(fps: 10, size: 32),
                                               onAudio: { samples += $0.count }, onFrame: { _ in frames += 1 })
        DecodeFixtures.report("truncated mp4 (half): \(frames) frames, \(samples) samples")
        XCTAssertGreaterThan(frames, 5)
        XCTAssertGreaterThan(samples, 16000)
    }

    func testStalledPipeTimesOut() throws {
        let fds = try pipe(feeding: nil)   // nothing is ever written; the write end stays open
        defer { close(fds.read); close(fds.write) }
        let began = Date()
        XCTAssertThrowsError(try MediaReader(fileDescriptor: fds.read, name: "stalled",
                                             limits: DecodeLimits(timeout: 0.3))) { error in
            XCTAssertEqual((error as? MediaError)?.kind, .timedOut, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("stalled: timed out"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(began), 3)
    }

    private struct Stop: Error, Equatable { let at: Int }

    func testCallbackErrorsPropagateUnchanged() throws {
        let path = try DecodeFixtures.shared("his_girl_friday")
        let reader = try MediaReader(path: path)
        XCTAssertThrowsError(try reader.decode(start: 0, duration: nil, audio: AudioSpec(), video: VideoSpec(fps: 10, size: 32),
                                               onAudio: { _ in }, onFrame: { if $0.index == 3 { throw Stop(at: 3) } })) { error in
            XCTAssertEqual(error as? Stop, Stop(at: 3))
        }
        XCTAssertThrowsError(try reader.decode(start: 1, duration: 2, audio: AudioSpec(), video: nil,
                                               onAudio: { _ in throw Stop(at: -1) }, onFrame: { _ in })) { error in
            XCTAssertEqual(error as? Stop, Stop(at: -1))
        }
        // The reader stays usable after a stopped pass.
        var frames = 0
        try reader.decode(start: 0, duration: 1, audio: nil, video: VideoSpec(fps: 10, size: 32),
                          onAudio: { _ in }, onFrame: { _ in frames += 1 })
        XCTAssertEqual(frames, 10)
    }

    func testDecoderThreadsGiveTheSameFrames() throws {
        let path = try DecodeFixtures.shared("webcam_face_1s__h264_vorbis")
        let one = try DecodeFixtures.decodeFrames(path, spec: VideoSpec(fps: 10, size: 64, threads: 1))
        let four = try DecodeFixtures.decodeFrames(path, spec: VideoSpec(fps: 10, size: 64, threads: 4))
        XCTAssertEqual(one.map(\.pixels), four.map(\.pixels))
    }

    func testInfoOfSharedClips() throws {
        let info = try MediaReader(path: try DecodeFixtures.shared("his_girl_friday")).info
        XCTAssertEqual(info.videoCodec, "h264")
        XCTAssertEqual(info.audioCodec, "aac")
        XCTAssertEqual(info.width, 640)
        XCTAssertEqual(info.height, 480)
        XCTAssertEqual(info.audioSampleRate, 44100)
        XCTAssertEqual(info.audioChannels, 2)
        XCTAssertEqual(info.videoFPS ?? 0, 30, accuracy: 0.01)
        XCTAssertEqual(info.duration ?? 0, 6.166, accuracy: 0.01)
        XCTAssertEqual(info.rotation, 0)
        XCTAssertTrue(info.seekable)
        let flv = try MediaReader(path: try DecodeFixtures.shared("h264_aac__exoplayer.flv")).info
        XCTAssertEqual(flv.startTime, 0.067, accuracy: 1e-6)
        XCTAssertEqual(flv.audioStart ?? 0, 0.045, accuracy: 1e-6)
    }
}
