import Foundation
import XCTest
@testable import MediaIO

/// Copies everything readable from a pipe's read end into a file on a background thread.
private final class EncodePipeDrain: Sendable {
    private let done = DispatchSemaphore(value: 0)

    /// Starts draining `readFD` (closed when the writer side hits EOF) into `path`.
    init(readFD: Int32, path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let done = self.done
        Thread.detachNewThread {
            defer { close(readFD); done.signal() }
            guard let out = FileHandle(forWritingAtPath: path) else { return }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                out.write(Data(buffer[0..<n]))
            }
            try? out.close()
        }
    }

    /// Waits until the drain has seen end of file.
    func wait() { done.wait() }
}

/// MP4Writer to descriptors: fragmented output through pipes, seekable fds, and EPIPE.
final class EncodePipeTests: XCTestCase {
    let width = 64, height = 64, frames = 16, fps = 10.0, sampleRate = 16_000

    private func makePipe() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw EncodeTestFailure("pipe() failed: errno \(errno)") }
        return (fds[0], fds[1])
    }

    func testFragmentedThroughPipe() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("piped.mp4").path
        let fds = try makePipe()
        let drain = EncodePipeDrain(readFD: fds.read, path: path)
        let reference = EncodeFixture.sine(count: sampleRate * frames / Int(fps), sampleRate: sampleRate)
        do {
            let writer = try MP4Writer(fileDescriptor: fds.write, width: width, height: height, fps: fps,
                                       sampleRate: sampleRate, options: MP4Options())
            XCTAssertTrue(writer.isFragmented)
            try EncodeFixture.feed(writer, width: width, height: height, frames: frames, audio: reference)
            try writer.finish()
        }
        close(fds.write)
        drain.wait()

        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertNotNil(EncodeFixture.boxOffset("moof", in: data))
        let streams = try EncodeFixture.probeStreams(path)
        let video = try EncodeFixture.stream(streams, "video")
        XCTAssertEqual(video["codec_name"] as? String, "h264")
        XCTAssertEqual(video["pix_fmt"] as? String, "yuv420p")
        XCTAssertEqual(video["nb_read_frames"] as? String, "16")
        let audio = try EncodeFixture.stream(streams, "audio")
        XCTAssertEqual(audio["codec_name"] as? String, "aac")
        XCTAssertEqual(audio["sample_rate"] as? String, "16000")
        print("encode fragmented: video duration \(video["duration"] ?? "none"), "
              + "audio duration \(audio["duration"] ?? "none"), audio start \(audio["start_time"] ?? "none")")

        let decoded = try EncodeFixture.decodeVideo(path)
        let frameBytes = width * height * 3
        XCTAssertEqual(decoded.count, frames * frameBytes)
        let last = EncodeFixture.pattern(width: width, height: height, frame: frames - 1)
        let mae = EncodeFixture.meanAbsoluteError(last[...], decoded.suffix(frameBytes))
        XCTAssertLessThanOrEqual(mae, 2.0)

        let sound = try EncodeFixture.decodeAudio(path, sampleRate: sampleRate)
        let lag = EncodeFixture.alignmentLag(reference: reference, decoded: sound, maxLag: 1100)
        let snr = EncodeFixture.snr(reference: reference, decoded: sound, lag: lag)
        print("encode fragmented: last frame MAE \(mae), \(sound.count) samples, lag \(lag), SNR \(snr) dB")
        XCTAssertGreaterThanOrEqual(snr, 20)
        // delay_moov lets the muxer write an edit list that skips the 1024 priming samples (and
        // the B-frame delay), so the streams stay in sync: audio starts at -0.064 s, video at 0.
        // ffmpeg 5.1 does not drop those samples from fragmented files, so they are decoded.
        XCTAssertTrue([0, 1024].contains(lag), "lag \(lag)")
        XCTAssertEqual(video["start_time"] as? String, "0.000000")
    }

    func testFFmpegDecodesFromPipe() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rawPath = dir.appendingPathComponent("decoded.rgb").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffmpeg"] + EncodeFixture.videoDecodeArguments(input: "pipe:0", output: rawPath)
        let input = Pipe()
        process.standardInput = input
        try process.run()
        do {
            let writer = try MP4Writer(fileDescriptor: input.fileHandleForWriting.fileDescriptor,
                                       width: width, height: height, fps: fps,
                                       sampleRate: sampleRate, options: MP4Options())
            let audio = EncodeFixture.sine(count: sampleRate * frames / Int(fps), sampleRate: sampleRate)
            try EncodeFixture.feed(writer, width: width, height: height, frames: frames, audio: audio)
            try writer.finish()
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let decoded = try [UInt8](Data(contentsOf: URL(fileURLWithPath: rawPath)))
        let frameBytes = width * height * 3
        XCTAssertEqual(decoded.count, frames * frameBytes)
        let first = EncodeFixture.pattern(width: width, height: height, frame: 0)
        XCTAssertLessThanOrEqual(EncodeFixture.meanAbsoluteError(first[...], decoded.prefix(frameBytes)), 2.0)
    }

    func testSeekableDescriptorGetsNormalMP4() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("fd.mp4").path
        let fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        do {
            let writer = try MP4Writer(fileDescriptor: fd, width: width, height: height, fps: fps,
                                       sampleRate: sampleRate, options: MP4Options())
            XCTAssertFalse(writer.isFragmented)
            let audio = EncodeFixture.sine(count: sampleRate * frames / Int(fps), sampleRate: sampleRate)
            try EncodeFixture.feed(writer, width: width, height: height, frames: frames, audio: audio)
            try writer.finish()
        }
        close(fd)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let moov = try XCTUnwrap(EncodeFixture.boxOffset("moov", in: data))
        let mdat = try XCTUnwrap(EncodeFixture.boxOffset("mdat", in: data))
        XCTAssertLessThan(moov, mdat, "faststart through /proc/self/fd")
        let streams = try EncodeFixture.probeStreams(path)
        XCTAssertEqual(try EncodeFixture.stream(streams, "video")["nb_read_frames"] as? String, "16")
        XCTAssertEqual(try EncodeFixture.stream(streams, "audio")["duration_ts"] as? Int, 25_600)
    }

    func testDescriptorAfterExistingBytesAndAppendMode() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let prefix = [UInt8](repeating: 0x55, count: 1000)
        for append in [false, true] {
            let path = dir.appendingPathComponent("after\(append).bin").path
            let fd = open(path, O_CREAT | O_TRUNC | O_RDWR | (append ? O_APPEND : 0), 0o644)
            XCTAssertGreaterThanOrEqual(fd, 0)
            XCTAssertEqual(prefix.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }, prefix.count)
            do {
                let writer = try MP4Writer(fileDescriptor: fd, width: width, height: height, fps: fps,
                                           sampleRate: sampleRate, options: MP4Options())
                XCTAssertEqual(writer.isFragmented, append, "O_APPEND output cannot be patched in place")
                let audio = EncodeFixture.sine(count: sampleRate * frames / Int(fps), sampleRate: sampleRate)
                try EncodeFixture.feed(writer, width: width, height: height, frames: frames, audio: audio)
                try writer.finish()
            }
            close(fd)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertEqual([UInt8](data.prefix(prefix.count)), prefix)
            let mp4Path = dir.appendingPathComponent("after\(append).mp4").path
            try data.dropFirst(prefix.count).write(to: URL(fileURLWithPath: mp4Path))
            let streams = try EncodeFixture.probeStreams(mp4Path)
            XCTAssertEqual(try EncodeFixture.stream(streams, "video")["nb_read_frames"] as? String, "16")
            XCTAssertEqual(try EncodeFixture.stream(streams, "audio")["codec_name"] as? String, "aac")
        }
    }

    func testForcedFragmentedFile() throws {
        let dir = try EncodeFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("frag.mp4").path
        let writer = try MP4Writer(path: path, width: width, height: height, fps: fps, sampleRate: 0,
                                   options: MP4Options(fragmented: true))
        XCTAssertTrue(writer.isFragmented)
        try EncodeFixture.feed(writer, width: width, height: height, frames: frames, audio: [])
        try writer.finish()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertNotNil(EncodeFixture.boxOffset("moof", in: data))
        let video = try EncodeFixture.stream(try EncodeFixture.probeStreams(path), "video")
        XCTAssertEqual(video["nb_read_frames"] as? String, "16")
    }

    func testClosedReaderThrowsBrokenPipe() throws {
        let fds = try makePipe()
        close(fds.read)
        defer { close(fds.write) }
        var caught: Error?
        do {
            let writer = try MP4Writer(fileDescriptor: fds.write, width: width, height: height, fps: fps,
                                       sampleRate: sampleRate, options: MP4Options())
            let audio = EncodeFixture.sine(count: sampleRate * frames / Int(fps), sampleRate: sampleRate)
            try EncodeFixture.feed(writer, width: width, height: height, frames: frames, audio: audio)
            try writer.finish()
        } catch {
            caught = error
        }
        XCTAssertEqual(caught as? EncodeError, .brokenPipe, "got \(String(describing: caught))")
    }

    func testReaderGoneMidStreamFailsTheWriteAndThenCloses() throws {
        let fds = try makePipe()
        defer { close(fds.write) }
        let writer = try MP4Writer(fileDescriptor: fds.write, width: width, height: height, fps: fps,
                                   sampleRate: 0, options: MP4Options())
        close(fds.read)
        // Fragments are cut at keyframes every 2 s (20 frames), so 80 frames reach the pipe
        // well before finish().
        var failedAt: Int?
        for t in 0..<80 {
            let rgb = EncodeFixture.pattern(width: width, height: height, frame: t)
            do {
                try rgb.withUnsafeBufferPointer { try writer.writeVideoFrame(rgb: $0) }
            } catch {
                XCTAssertEqual(error as? EncodeError, .brokenPipe)
                failedAt = t
                break
            }
        }
        print("encode EPIPE: write failed at frame \(String(describing: failedAt))")
        XCTAssertNotNil(failedAt)
        XCTAssertThrowsError(try writer.finish()) { XCTAssertEqual($0 as? EncodeError, .closed) }
    }

    func testNonFragmentedToPipeIsRejected() throws {
        let fds = try makePipe()
        defer { close(fds.read); close(fds.write) }
        XCTAssertThrowsError(try MP4Writer(fileDescriptor: fds.write, width: width, height: height, fps: fps,
                                           sampleRate: 0, options: MP4Options(fragmented: false))) {
            guard case .invalidArgument = $0 as? EncodeError else { return XCTFail("\($0)") }
        }
    }
}
