import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `av-align` on the hostile corpus: a JSON line per list line, with a score or an error that
/// names the input; the good clips score exactly as in a list of the good lines alone.
final class HostileAVAlignTests: XCTestCase {
    /// This class's own corpus (HostilePrepTests removes its copy when it finishes).
    static let shared = Result<HostileCorpus, Error> {
        guard HostileCorpus.hasFFmpeg else { throw XCTSkip("the ffmpeg CLI is not installed: no corpus") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-av-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try HostileCorpus(in: dir)
    }

    override class func tearDown() {
        if case let .success(corpus) = shared { try? FileManager.default.removeItem(at: corpus.directory) }
        super.tearDown()
    }

    var fixture: String { Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path }

    /// The JSON objects of `output`, one a line.
    func objects(_ output: Data) throws -> [[String: Any]] {
        try String(decoding: output, as: UTF8.self).split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not a JSON object: \($0)")
        }
    }

    func testEveryItemGetsAScoreOrANamedErrorAndGoodClipsScoreAsAlone() throws {
        let corpus = try Self.shared.get()
        let (text, goodLines, _) = corpus.mixedList()
        let mixed = try Tool.run(["av-align", "--timeout", "3", "--jobs", "2"], stdin: Data(text.utf8))
        Hostile.assertNoCrash(mixed, "av-align, mixed list")
        XCTAssertEqual(mixed.status, 1, "exit 1: some clips could not be scored\n\(mixed.stderr)")
        let lines = try objects(mixed.stdout)
        XCTAssertEqual(lines.count, corpus.items.count + goodLines.count, "one JSON line per list line")
        let goodPaths = Set(corpus.good)
        for line in lines where !goodPaths.contains(line["file"] as? String ?? "") {
            let file = line["file"] as? String ?? "?"
            if let error = line["error"] as? String {
                XCTAssertFalse(error.isEmpty, file)
                XCTAssertTrue(line["score"] is NSNull, "\(file): an error has a null score")
                XCTAssertTrue(mixed.stderr.contains(error), "\(file): the error is on stderr too")
            } else {
                XCTAssertNotNil(line["score"], "\(file): neither a score nor an error")
            }
        }
        for item in corpus.items where item.statuses == ["failed"] && !item.path.isEmpty && item.path != "-" {
            let line = try XCTUnwrap(lines.first { $0["file"] as? String == item.path }, item.kind)
            let error = try XCTUnwrap(line["error"] as? String, "\(item.kind): unreadable input scored")
            XCTAssertTrue(error.hasPrefix(item.path), "\(item.kind): error names the input: \(error)")
        }

        let alone = try Tool.run(["av-align", "--timeout", "3", "--jobs", "2"], stdin: Data((goodLines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(alone.status, 0, alone.stderr)
        let expected = try objects(alone.stdout).map { NSDictionary(dictionary: $0) }
        let got = lines.filter { goodPaths.contains($0["file"] as? String ?? "") }.map { NSDictionary(dictionary: $0) }
        XCTAssertEqual(got, expected, "good clips score the same with and without the bad lines")
    }

    // Found by the hostile corpus: av-align read a list on stdin whole, without a bound:
    // `av-align < /dev/zero` grew without end.
    func testRegressionEndlessListIsRefusedWithBoundedMemory() throws {
        let dir = try Tool.temporaryDirectory(self)
        let timed = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        let r = try Tool.shell((timed ? "/usr/bin/time -f %M -o rss " : "")
            + "'\(Tool.binary.path)' av-align < /dev/zero > out.jsonl", cwd: dir)
        Hostile.assertNoCrash(r, "av-align < /dev/zero")
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("stdin: the list is larger than 256 MiB"), r.stderr)
        if timed, let kb = Int(try String(contentsOf: dir.appendingPathComponent("rss"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)) {
            XCTAssertLessThan(kb, 1 << 20, "peak RSS \(kb) KiB")
        }
    }

    func testSIGTERMMidRunLeavesWholeLinesAndExit143() throws {
        let dir = try Tool.temporaryDirectory(self)
        let out = dir.appendingPathComponent("out.jsonl"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let list = dir.appendingPathComponent("l")
        try String(repeating: "\(fixture)\n", count: 200).write(to: list, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = Tool.binary
        p.arguments = ["av-align", "--jobs", "2"]
        p.standardInput = try FileHandle(forReadingFrom: list)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning, Date() < deadline, ((try? Data(contentsOf: out))?.count ?? 0) < 1 { usleep(20_000) }
        XCTAssertTrue(p.isRunning, "av-align finished before it could be terminated")
        p.terminate()
        let stop = Date().addingTimeInterval(60)
        while p.isRunning && Date() < stop { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "ends by exit, not by the signal")
        let stderr = try String(contentsOf: err, encoding: .utf8)
        XCTAssertEqual(p.terminationStatus, 143, stderr)
        let data = try Data(contentsOf: out)
        XCTAssertEqual(data.last, UInt8(ascii: "\n"), "the output ends with a whole line")
        let lines = try objects(data)
        XCTAssertGreaterThan(lines.count, 0)
        XCTAssertLessThan(lines.count, 200)
    }

    func testClosedPipeEndsQuietly() throws {
        let dir = try Tool.temporaryDirectory(self)
        try String(repeating: "\(fixture)\n", count: 40).write(to: dir.appendingPathComponent("l"), atomically: true, encoding: .utf8)
        let r = try Tool.shell("'\(Tool.binary.path)' av-align < '\(dir.path)/l' | head -c 10 > /dev/null; echo \"${PIPESTATUS[0]}\"")
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "0\n", r.stderr)
        Hostile.assertNoCrash(r, "av-align | head")
    }
}
