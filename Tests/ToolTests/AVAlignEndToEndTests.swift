import Foundation
import XCTest

/// Runs the built binary's `av-align` on golden and generated inputs.
final class AVAlignEndToEndTests: XCTestCase {
    func lines(_ data: Data) throws -> [[String: Any]] {
        try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func testGoldenCaseWithSeparateWavMatchesTheReference() throws {
        guard let shared = Tool.shared else { throw XCTSkip("../shared is absent (a fresh clone): skipping the golden AV-Align case") }
        let golden = shared.appendingPathComponent("avalign-golden")
        let reference = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(contentsOf: golden.appendingPathComponent("golden_official.json"))) as? [String: Any])
        let mp4 = try XCTUnwrap(reference["mp4_wav22k"] as? [String: Any])
        let dir = try Tool.temporaryDirectory(self)
        let svg = dir.appendingPathComponent("p.svg").path
        let r = try Tool.run(["av-align", golden.appendingPathComponent("case.mp4").path,
                              "--audio", golden.appendingPathComponent("case.wav").path, "--plot", svg, "--summary"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try lines(r.stdout)
        XCTAssertEqual(out.count, 1)
        XCTAssertEqual(out[0]["score"] as? Double, mp4["iou"] as? Double)
        XCTAssertEqual(out[0]["frames"] as? Int, mp4["n_frames"] as? Int)
        let peaks = try XCTUnwrap(out[0]["audio_peaks"] as? [Double])
        let refPeaks = try XCTUnwrap(mp4["audio_peaks"] as? [Double])
        XCTAssertEqual(peaks.count, refPeaks.count)
        for (a, b) in zip(peaks, refPeaks) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertTrue(r.stderr.contains("mean score 0.2593 over 1 clips scored"), r.stderr)
        let picture = try String(contentsOfFile: svg, encoding: .utf8)
        XCTAssertTrue(picture.hasPrefix("<svg") && picture.contains("score 0.259"), picture.prefix(300).description)

        let noAudio = try Tool.run(["av-align", golden.appendingPathComponent("case.mp4").path])
        XCTAssertEqual(noAudio.status, 1)
        XCTAssertTrue(noAudio.stderr.contains("no audio stream"), noAudio.stderr)
        XCTAssertEqual(try lines(noAudio.stdout).first?["error"] as? String != nil, true)
    }

    func testTarFromPrepListOnStdinAndErrors() throws {
        let fixture = Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path
        let prep = try Tool.run(["prep", "--channel", "mix"], stdin: Data("\(fixture)\n\(fixture)\n".utf8))
        XCTAssertEqual(prep.status, 0, prep.stderr)
        let fromTar = try Tool.run(["av-align"], stdin: prep.stdout)
        XCTAssertEqual(fromTar.status, 0, fromTar.stderr)
        let tarLines = try lines(fromTar.stdout)
        XCTAssertEqual(tarLines.compactMap { $0["key"] as? String }, ["000000_w000", "000001_w000"])
        XCTAssertEqual(tarLines.first?["fps"] as? Double, 10)
        XCTAssertEqual(tarLines.first?["frames"] as? Int, 16)

        let fromList = try Tool.run(["av-align", "--jobs", "2"], stdin: Data("# list\n\(fixture)\n/nonexistent/x.mp4\n".utf8))
        XCTAssertEqual(fromList.status, 1, "a missing file makes the exit status 1")
        let listLines = try lines(fromList.stdout)
        XCTAssertEqual(listLines.count, 2)
        XCTAssertEqual(listLines[0]["file"] as? String, fixture)
        XCTAssertNotNil(listLines[0]["video_peaks"])
        XCTAssertNotNil(listLines[1]["error"])
        XCTAssertTrue(fromList.stderr.contains("/nonexistent/x.mp4"), fromList.stderr)

        let fromStdinMedia = try Tool.run(["av-align", "-"], stdin: try Data(contentsOf: URL(fileURLWithPath: fixture)))
        XCTAssertEqual(fromStdinMedia.status, 0, fromStdinMedia.stderr)
        XCTAssertEqual(try lines(fromStdinMedia.stdout).first?["frames"] as? Int, listLines[0]["frames"] as? Int)
        XCTAssertEqual(try Tool.run(["av-align", "--fps", "0", fixture]).status, 64)

        let dashLine = try Tool.run(["av-align"], stdin: Data("-\n\tcaption only\n".utf8))
        XCTAssertEqual(dashLine.status, 1)
        XCTAssertEqual(try lines(dashLine.stdout).compactMap { $0["error"] as? String }.filter {
            $0.contains("a list line must name a file") }.count, 2, dashLine.stderr)
    }
}
