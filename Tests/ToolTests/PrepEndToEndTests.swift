import Foundation
import XCTest
@testable import MediaIO

/// Runs the built binary's `prep` on real clips and checks the tar it writes.
final class PrepEndToEndTests: XCTestCase {
    var fixture: String { Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path }

    /// Reads every sample of a tar.
    func samples(_ data: Data) throws -> [WebDatasetSample] { try Tool.samples(in: data, self) }

    func testPrepWritesTheMMDiffusionFormat() throws {
        let r = try Tool.run(["prep"], stdin: Data("\(fixture)\tbeeps and bars\n".utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let s = try samples(r.stdout)
        XCTAssertEqual(s.map(\.key), ["000000_w000"])
        let audio = try NpyCoding.decode(try XCTUnwrap(s[0].files["audio.npy"]))
        XCTAssertEqual(audio.shape, [1, 25_600])
        XCTAssertEqual(audio.dtype, .float32)
        let video = try NpyCoding.decode(try XCTUnwrap(s[0].files["video.npy"]))
        XCTAssertEqual(video.shape, [16, 3, 64, 64])
        XCTAssertEqual(video.dtype, .uint8)
        // 320x240 letterboxed into 64x64: rows 0..<8 are padding (black), the middle is picture.
        let plane = 64 * 64
        XCTAssertEqual(video.data[0..<(8 * 64)].max(), 0, "top letterbox rows are black")
        XCTAssertGreaterThan(video.data[(32 * 64)..<(33 * 64)].map(Int.init).reduce(0, +), 64 * 20)
        XCTAssertGreaterThan(try audio.floats().map(abs).max() ?? 0, 0.1, "the beeps are audible")
        let json = try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(s[0].files["json"]))) as? [String: Any]
        XCTAssertEqual(json?["caption"] as? String, "beeps and bars")
        XCTAssertEqual(json?["sample_rate"] as? Int, 16_000)
        XCTAssertEqual(json?["fps"] as? Double, 10)
        XCTAssertEqual(json?["source_size"] as? [Int], [320, 240])
        _ = plane
    }

    func testBadLinesAreReportedAndTheRestStillWritten() throws {
        let dir = try Tool.temporaryDirectory(self)
        let empty = dir.appendingPathComponent("empty file.mp4").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let html = dir.appendingPathComponent("page.mp4").path
        try Data("<html><body>404 Not Found</body></html>".utf8).write(to: URL(fileURLWithPath: html))
        let report = dir.appendingPathComponent("report.jsonl").path
        let list = "\u{FEFF}# a comment\r\n\(fixture)\r\n\r\n\(dir.path)/missing.mp4\n\(empty)\n\(html)\n\(fixture)\n"
        let r = try Tool.run(["prep", "--report", report, "--jobs", "2"], stdin: Data(list.utf8))
        XCTAssertEqual(r.status, 1, "exit 1 when a line failed: \(r.stderr)")
        XCTAssertEqual(try samples(r.stdout).map(\.key), ["000000_w000", "000004_w000"])
        XCTAssertTrue(r.stderr.contains("missing.mp4"), r.stderr)
        XCTAssertTrue(r.stderr.contains("page.mp4"), r.stderr)
        let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 5)
        let statuses = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .map { $0?["status"] as? String }
        XCTAssertEqual(statuses, ["written", "failed", "failed", "failed", "written"])
    }

    func testShardsUnionEqualsTheUnshardedRunByteForByte() throws {
        let dir = try Tool.temporaryDirectory(self)
        var lines = [String]()
        for i in 0..<7 { lines.append(i == 3 ? "\(dir.path)/nope.mp4" : fixture) }
        let list = dir.appendingPathComponent("clips.list")
        try (lines.joined(separator: "\n") + "\n").write(to: list, atomically: true, encoding: .utf8)
        let whole = try Tool.run(["prep", "--list", list.path, "--windows", "all"])
        XCTAssertEqual(whole.status, 1)
        let bin = Tool.binary.path
        let sh = try Tool.shell("seq 0 3 | xargs -P 4 -I{} '\(bin)' prep --windows all --shard {}/4 --list '\(list.path)' -o '\(dir.path)/shard-{}.tar' 2>/dev/null; ls '\(dir.path)'")
        XCTAssertTrue(sh.stdout.count > 0)
        var union: [String: [String: [UInt8]]] = [:]
        for k in 0..<4 {
            let data = try Data(contentsOf: dir.appendingPathComponent("shard-\(k).tar"))
            for s in try samples(data) { XCTAssertNil(union[s.key], "key \(s.key) in two shards"); union[s.key] = s.files }
        }
        let reference = try samples(whole.stdout)
        XCTAssertEqual(Set(union.keys), Set(reference.map(\.key)))
        XCTAssertEqual(reference.count, 6, "2 s clip at 1.6 s windows: one window each for 6 good lines")
        for s in reference { XCTAssertEqual(union[s.key], s.files, "sample \(s.key) differs between runs") }
    }

    func testOutputFileIsAtomicAndFatalErrorsExit2() throws {
        let dir = try Tool.temporaryDirectory(self)
        let bad = try Tool.run(["prep", "-o", "\(dir.path)/no/such/dir/x.tar"], stdin: Data("\(fixture)\n".utf8))
        XCTAssertEqual(bad.status, 2, bad.stderr)
        let out = dir.appendingPathComponent("x.tar").path
        let good = try Tool.run(["prep", "-o", out], stdin: Data("\(fixture)\n".utf8))
        XCTAssertEqual(good.status, 0, good.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["x.tar"], "no temporary left behind")
        XCTAssertEqual(good.stdout.count, 0)
    }

    func testUsageErrorsExit64() throws {
        XCTAssertEqual(try Tool.run(["prep", "--shard", "4/4"]).status, 64)
        XCTAssertEqual(try Tool.run(["prep", "--jobs", "0"]).status, 64)
        XCTAssertEqual(try Tool.run(["prep", "--no-such-flag"]).status, 64)
    }

    func testClosedPipeEndsQuietly() throws {
        let list = String(repeating: "\(fixture)\n", count: 20)
        let dir = try Tool.temporaryDirectory(self)
        try list.write(to: dir.appendingPathComponent("l"), atomically: true, encoding: .utf8)
        let r = try Tool.shell("set -o pipefail; '\(Tool.binary.path)' prep --list '\(dir.path)/l' | head -c 1000 > /dev/null")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertFalse(r.stderr.contains("rror"), r.stderr)
    }

    func testPythonReadsTheShard() throws {
        guard Tool.python(has: ["numpy", "webdataset"]) else {
            throw XCTSkip("python3 with numpy and webdataset is not installed (scripts/setup --test installs them)")
        }
        let dir = try Tool.temporaryDirectory(self)
        let tar = dir.appendingPathComponent("s.tar").path
        let r = try Tool.run(["prep", "-o", tar], stdin: Data("\(fixture)\tcap\n\(fixture)\n".utf8))
        XCTAssertEqual(r.status, 0, r.stderr)
        let script = """
            import io, json, sys, tarfile, numpy as np, webdataset as wds
            t = tarfile.open(sys.argv[1])
            for m in t.getmembers():
                if m.name.endswith('.npy'):
                    a = np.load(io.BytesIO(t.extractfile(m).read()))
                    print(m.name, a.dtype, a.shape)
            keys = [s['__key__'] for s in wds.WebDataset(sys.argv[1], shardshuffle=False)]
            print('keys', ','.join(keys))
            """
        let py = try Tool.runProcess("/usr/bin/env", ["python3", "-c", script, tar])
        let out = String(decoding: py.stdout, as: UTF8.self)
        XCTAssertEqual(py.status, 0, py.stderr)
        XCTAssertTrue(out.contains("000000_w000.audio.npy float32 (1, 25600)"), out)
        XCTAssertTrue(out.contains("000001_w000.video.npy uint8 (16, 3, 64, 64)"), out)
        XCTAssertTrue(out.contains("keys 000000_w000,000001_w000"), out)
    }

    func testEverySharedClipIsWrittenOrSkippedForAReason() throws {
        guard let shared = Tool.shared else { throw XCTSkip("../shared is absent (a fresh clone): skipping the shared-media test") }
        let media = shared.appendingPathComponent("media")
        let clips = try FileManager.default.contentsOfDirectory(atPath: media.path)
            .filter { !$0.hasSuffix(".sh") }.sorted().map { media.appendingPathComponent($0).path }
        let dir = try Tool.temporaryDirectory(self)
        let report = dir.appendingPathComponent("r.jsonl").path
        let r = try Tool.run(["prep", "--report", report], stdin: Data((clips.joined(separator: "\n") + "\n").utf8))
        XCTAssertNotEqual(r.status, 2, r.stderr)
        // The 1 s clips are shorter than a 1.6 s window: with --pad-video last every clip is written.
        let padded = try Tool.run(["prep", "--pad-video", "last"], stdin: Data((clips.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(padded.status, 0, padded.stderr)
        XCTAssertEqual(try samples(padded.stdout).count, clips.count)
        let records = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(records.count, clips.count)
        for rec in records {
            let status = rec["status"] as? String
            XCTAssertNotEqual(status, "failed", "\(rec)")
            if status == "skipped" { XCTAssertNotNil(rec["reason"]) }
            if status == "skipped" {
                XCTAssertTrue((rec["reason"] as? String)?.hasPrefix("video shorter than the window") == true, "\(rec)")
            }
        }
    }
}
