import Foundation
import XCTest
@testable import MediaIO

/// Native BGR frames (no autorotate) against OpenCV's `VideoCapture.read()` when Python's cv2 is installed.
///
/// OpenCV wheels bundle their own FFmpeg, so equality here also depends on that build decoding
/// bit-exactly like Debian's; with the same libraries the conversion is the same call sequence.
final class DecodeOpenCVParityTests: XCTestCase {
    private static let script = """
    import struct, sys
    import cv2
    count = int(sys.argv[1])
    for path in sys.argv[2:]:
        cap = cv2.VideoCapture(path)
        chunks = []
        for _ in range(count):
            ok, frame = cap.read()
            if not ok:
                break
            chunks.append(frame.tobytes())
        blob = b"".join(chunks)
        sys.stdout.buffer.write(struct.pack("<Q", len(blob)) + blob)
    """

    /// The first `count` BGR frames of each path from OpenCV (one Python process), or a skip when
    /// python3/cv2 is unavailable.
    private func openCVFrames(_ paths: [String], count: Int) throws -> [[UInt8]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, "\(count)"] + paths
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw XCTSkip("python3 not runnable") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 { throw XCTSkip("python3 cv2 not available") }
        let bytes = [UInt8](data)
        var blobs: [[UInt8]] = []
        var at = 0
        while at + 8 <= bytes.count {
            let length = bytes[at..<(at + 8)].reversed().reduce(0) { $0 << 8 | Int($1) }
            at += 8
            blobs.append(Array(data[(data.startIndex + at)..<(data.startIndex + min(bytes.count, at + length))]))
            at += length
        }
        return blobs
    }

    func testNativeBGRMatchesOpenCV() throws {
        let count = 5
        let paths = try DecodeFixtures.sharedClips()
        let references = try openCVFrames(paths, count: count)
        XCTAssertEqual(references.count, paths.count)
        for (path, reference) in zip(paths, references) {
            let frames = try DecodeFixtures.decodeFrames(
                path, spec: VideoSpec(pixels: .bgr24, maxFrames: count, autorotate: false))
            guard let first = frames.first, !reference.isEmpty else {
                DecodeFixtures.report("opencv \((path as NSString).lastPathComponent): OpenCV gave no frames")
                continue
            }
            let size = first.pixels.count
            var identical = 0, worst = 0.0
            for (k, frame) in frames.enumerated() where (k + 1) * size <= reference.count {
                let ref = reference[(k * size)..<((k + 1) * size)]
                if DecodeFixtures.sameBytes(frame.pixels, ref) { identical += 1 }
                worst = max(worst, DecodeFixtures.meanAbsDiff(frame.pixels, ref))
            }
            DecodeFixtures.report("opencv \((path as NSString).lastPathComponent): \(identical)/\(frames.count) "
                + "frames bit-identical, worst mean abs diff \(String(format: "%.4f", worst))")
            XCTAssertLessThanOrEqual(worst, 1.0)
        }
    }
}
