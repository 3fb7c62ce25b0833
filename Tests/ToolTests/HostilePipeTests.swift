import Foundation
import XCTest

/// A reader that closes the pipe early: prep and encode stop quietly with exit 0.
final class HostilePipeTests: XCTestCase {
    var fixture: String { Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path }

    func testPrepWithBadLinesStopsQuietlyWhenTheReaderLeaves() throws {
        let dir = try Tool.temporaryDirectory(self)
        var lines = ["\(dir.path)/missing.mp4"]
        lines += Array(repeating: fixture, count: 30)
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("l"), atomically: true, encoding: .utf8)
        let r = try Tool.shell("'\(Tool.binary.path)' prep --list '\(dir.path)/l' | head -c 1000 > /dev/null; echo \"${PIPESTATUS[0]}\"")
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "0\n", r.stderr)
        Hostile.assertNoCrash(r, "prep | head")
        XCTAssertFalse(r.stderr.contains("broken pipe") || r.stderr.contains("Broken pipe"), r.stderr)
    }

    func testEncodeStopsQuietlyWhenTheReaderLeaves() throws {
        let dir = try Tool.temporaryDirectory(self)
        let tar = dir.appendingPathComponent("s.tar")
        let prep = try Tool.run(["prep"], stdin: Data("\(fixture)\n".utf8))
        XCTAssertEqual(prep.status, 0, prep.stderr)
        try prep.stdout.write(to: tar)
        let r = try Tool.shell("'\(Tool.binary.path)' encode --size 256 < '\(tar.path)' | head -c 100 > /dev/null; echo \"${PIPESTATUS[0]}\"")
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "0\n", r.stderr)
        Hostile.assertNoCrash(r, "encode | head")
        XCTAssertEqual(r.stderr, "", "nothing to say about a reader that left")
    }
}
