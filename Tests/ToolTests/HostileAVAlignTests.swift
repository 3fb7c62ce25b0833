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
}
