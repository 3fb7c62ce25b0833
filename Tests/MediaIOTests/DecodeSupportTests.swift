import Foundation
import XCTest
@testable import MediaIO

/// Shared fixtures and helpers for the decode tests: shared clips, ffmpeg-made clips, reference output.
enum DecodeFixtures {
    /// The package root (three levels above this file).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shared clips folder beside the checkout, if present.
    static var sharedMedia: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/media")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The real clips (every media file in ../shared/media), or a skip when the folder is absent.
    static func sharedClips() throws -> [String] {
        guard let dir = sharedMedia else { throw XCTSkip("../shared/media is absent: shared clips not tested") }
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { [".mp4", ".webm", ".mkv", ".avi", ".flv"].contains(where: $0.hasSuffix) }
            .sorted()
        return names.map { dir.appendingPathComponent($0).path }
    }

    /// One shared clip by a fragment of its name.
    static func shared(_ fragment: String) throws -> String {
        guard let path = try sharedClips().first(where: { $0.contains(fragment) }) else {
            throw XCTSkip("no shared clip matching \(fragment)")
        }
        return path
    }

    /// The ffmpeg CLI, or a skip.
    static func ffmpegPath() throws -> String {
        for dir in ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"] {
            let path = dir + "/ffmpeg"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("ffmpeg CLI not installed")
    }

    /// A scratch folder for generated fixtures, reused across runs (files are made atomically).
    static let scratch: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediaio-decode-fixtures-v1")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// Runs ffmpeg with `args` (after `-nostdin -v error`) and returns its stdout.
    @discardableResult
    static func ffmpeg(_ args: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try ffmpegPath())
        process.arguments = ["-nostdin", "-hide_banner", "-v", "error"] + args
        let out = Pipe()
        let errURL = scratch.appendingPathComponent("ffmpeg-stderr-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? err.close()
        defer { try? FileManager.default.removeItem(at: errURL) }
        if process.terminationStatus != 0 {
            let message = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw NSError(domain: "ffmpeg", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "ffmpeg \(args.joined(separator: " ")): \(message)"])
        }
        return data
    }

    /// A clip made once by `ffmpeg <args> <file>` (args end before the output name); the file name
    /// carries a hash of the arguments, so changed arguments make a new clip.
    static func generated(_ name: String, _ args: [String]) throws -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a over the arguments
        for byte in args.joined(separator: "\u{1}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let url = scratch.appendingPathComponent(String(hash, radix: 16) + "-" + name)
        if !FileManager.default.fileExists(atPath: url.path) {
            let temp = scratch.appendingPathComponent("tmp-\(UUID().uuidString)-\(name)")
            try ffmpeg(["-y"] + args + [temp.path])
            _ = try? FileManager.default.moveItem(at: temp, to: url)
            try? FileManager.default.removeItem(at: temp)
        }
        return url.path
    }

    /// A variable-frame-rate mkv: an irregular subset of 30 fps frames keeping their timestamps.
    static func vfrClip() throws -> String {
        try generated("vfr.mkv", [
            "-f", "lavfi", "-i", "testsrc2=size=128x96:rate=30:duration=2",
            "-vf", "select='not(mod(n\\,4))+eq(mod(n\\,7)\\,3)+between(n\\,20\\,27)'", "-fps_mode", "vfr",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"])
    }

    /// A 160x96 H.264 mp4 whose track header carries a display matrix for a clockwise `degrees`
    /// rotation (the matrix ffmpeg's mov muxer writes for `rotate=`), patched into the tkhd box.
    static func rotatedMP4(degrees: Int) throws -> String {
        let url = scratch.appendingPathComponent("rotated\(degrees).mp4")
        if FileManager.default.fileExists(atPath: url.path) { return url.path }
        let plain = try generated("unrotated.mp4", ["-f", "lavfi", "-i", "testsrc2=size=160x96:rate=25:duration=1",
                                                     "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"])
        var data = try Data(contentsOf: URL(fileURLWithPath: plain))
        guard let box = data.range(of: Data("tkhd".utf8)) else { throw XCTSkip("no tkhd box") }
        let version = data[box.upperBound]
        let matrixStart = box.upperBound + (version == 0 ? 40 : 52)
        let (w, h): (Int32, Int32) = (160, 96)
        let one: Int32 = 0x10000
        let m: [Int32]
        switch degrees {
        case 90: m = [0, one, 0, -one, 0, 0, h << 16, 0, 0x4000_0000]
        case 180: m = [-one, 0, 0, 0, -one, 0, w << 16, h << 16, 0x4000_0000]
        default: m = [0, -one, 0, one, 0, 0, 0, w << 16, 0x4000_0000]
        }
        var bytes = Data()
        for value in m { withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) } }
        data.replaceSubrange(matrixStart..<(matrixStart + 36), with: bytes)
        let temp = scratch.appendingPathComponent("rotated\(degrees)-\(UUID().uuidString).mp4")
        try data.write(to: temp)
        _ = try? FileManager.default.moveItem(at: temp, to: url)
        return url.path
    }

    /// Little-endian float32 samples.
    static func floats(_ data: Data) -> [Float] {
        data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Decodes all audio of `path` with MediaReader.
    static func decodeAudio(_ path: String, spec: AudioSpec, start: Double = 0,
                            duration: Double? = nil) throws -> [Float] {
        let reader = try MediaReader(path: path)
        var samples: [Float] = []
        try reader.decode(start: start, duration: duration, audio: spec, video: nil,
                          onAudio: { samples.append(contentsOf: $0) }, onFrame: { _ in })
        return samples
    }

    /// Decodes frames of `path` with MediaReader.
    static func decodeFrames(_ path: String, spec: VideoSpec, start: Double = 0,
                             duration: Double? = nil) throws -> [VideoFrame] {
        let reader = try MediaReader(path: path)
        var frames: [VideoFrame] = []
        try reader.decode(start: start, duration: duration, audio: nil, video: spec,
                          onAudio: { _ in }, onFrame: { frames.append($0) })
        return frames
    }

    /// Largest absolute difference over the common length.
    static func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Mean absolute difference of two byte buffers over the common length (pointer loop: fast in debug).
    static func meanAbsDiff(_ a: [UInt8], _ b: ArraySlice<UInt8>) -> Double {
        let n = min(a.count, b.count)
        var total = 0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                guard let x = pa.baseAddress, let y = pb.baseAddress else { return }
                for i in 0..<n { total += abs(Int(x[i]) - Int(y[i])) }
            }
        }
        return Double(total) / Double(max(1, a.count))
    }

    /// Whether two byte buffers are identical (memcmp).
    static func sameBytes(_ a: [UInt8], _ b: ArraySlice<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in
            guard let x = pa.baseAddress, let y = pb.baseAddress else { return a.isEmpty }
            return memcmp(x, y, a.count) == 0
        } }
    }

    /// Prints a measurement line the report can quote.
    static func report(_ line: String) {
        print("[decode-measure] \(line)")
    }
}

/// Small checks of the pure helpers behind the decode layer.
final class DecodeSupportTests: XCTestCase {
    func testFittedSizeMatchesFFmpegRounding() {
        XCTAssertEqual(ImageOps.fittedSize(width: 960, height: 400, side: 64, fit: .pad).0, 64)
        XCTAssertEqual(ImageOps.fittedSize(width: 960, height: 400, side: 64, fit: .pad).1, 27)
        XCTAssertEqual(ImageOps.fittedSize(width: 640, height: 480, side: 256, fit: .crop).0, 341)
        XCTAssertEqual(ImageOps.fittedSize(width: 640, height: 480, side: 256, fit: .crop).1, 256)
    }

    func testCropOffsetRoundsHalfToEvenLikeFFmpegCrop() {
        XCTAssertEqual(ImageOps.offset(side: 256, size: 455), -100)   // 99.5 -> 100
        XCTAssertEqual(ImageOps.offset(side: 256, size: 341), -42)    // 42.5 -> 42
        XCTAssertEqual(ImageOps.offset(side: 64, size: 27), 18)       // pad truncates 18.5
    }

    func testRotateClockwise() {
        // 2x1 image [A B] turned clockwise is 1x2 [A; B].
        let (out, w, h) = ImageOps.rotate([1, 1, 1, 2, 2, 2], width: 2, height: 1, degrees: 90)
        XCTAssertEqual([w, h], [1, 2])
        XCTAssertEqual(out, [1, 1, 1, 2, 2, 2])
        let (ccw, _, _) = ImageOps.rotate([1, 1, 1, 2, 2, 2], width: 2, height: 1, degrees: 270)
        XCTAssertEqual(ccw, [2, 2, 2, 1, 1, 1])
    }

    func testSelectorTakesLastFrameAtOrBeforeSlot() {
        var s = FrameSelector(slotLimit: 5)
        XCTAssertEqual(s.admit(slot: 0).slots, 0..<0)
        XCTAssertEqual(s.admit(slot: 0).slots, 0..<0)   // replaces the held frame
        let r = s.admit(slot: 2)
        XCTAssertEqual(r.slots, 0..<2)
        XCTAssertFalse(r.useNew)
        XCTAssertEqual(s.finish(endSlot: 9, heldSlot: 2), 2..<5)
        XCTAssertTrue(s.done)
        var one = FrameSelector(slotLimit: 5)
        _ = one.admit(slot: 0)
        XCTAssertEqual(one.finish(endSlot: 0, heldSlot: 0), 0..<1)   // a single short frame still shows
        var past = FrameSelector(slotLimit: 5)
        _ = past.admit(slot: -7)
        XCTAssertEqual(past.finish(endSlot: -6, heldSlot: -7), 0..<0) // window starts after the end
    }
}
