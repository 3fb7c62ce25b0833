import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Bugs the hostile corpus found in `prep`, each pinned by the input that showed it.
final class HostilePrepRegressionTests: XCTestCase {
    var fixture: String { Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path }

    // Found by the hostile corpus: open(2) of a FIFO with no writer blocked forever, out of
    // --timeout's reach, so one such line hung the whole run.
    func testRegressionFIFOWithoutWriterTimesOutInsteadOfHanging() throws {
        let dir = try Tool.temporaryDirectory(self)
        let fifo = dir.appendingPathComponent("no writer.mp4").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let list = dir.appendingPathComponent("l")
        try "\(fifo)\n\(fixture)\n".write(to: list, atomically: true, encoding: .utf8)
        let started = Date()
        let (r, hung) = try Hostile.run(["prep", "--list", list.path, "--timeout", "2", "-o", dir.appendingPathComponent("o.tar").path],
                                        killAfter: 30)
        XCTAssertFalse(hung, "prep hung on a FIFO without a writer")
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("line 1: failed: \(fifo): timed out after 2.0 s"), r.stderr)
        XCTAssertTrue(r.stderr.contains("1 written"), r.stderr)
    }

    // The other side of the FIFO fix: a FIFO that is written is decoded like stdin.
    func testFIFOWithAWriterIsDecoded() throws {
        let dir = try Tool.temporaryDirectory(self)
        let fifo = dir.appendingPathComponent("fifo.mp4").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let r = try Tool.shell("(cat '\(fixture)' > '\(fifo)' &) ; printf '%s\\n' '\(fifo)' | '\(Tool.binary.path)' prep --timeout 20 | tar t")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self),
                       "000000_w000.audio.npy\n000000_w000.json\n000000_w000.video.npy\n", r.stderr)
    }

    // Found by the hostile corpus: /dev/zero (size 0 in stat) was reported as "empty file (0 bytes)".
    func testRegressionCharacterDeviceIsNotCalledAnEmptyFile() throws {
        let r = try Tool.run(["prep", "--timeout", "20"], stdin: Data("/dev/zero\n".utf8))
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("line 1: failed: /dev/zero: "), r.stderr)
        XCTAssertFalse(r.stderr.contains("empty file"), r.stderr)
    }

    // Found by the hostile corpus: a "-" line read the (already consumed) stdin and failed with
    // "Invalid data", and a line starting with its TAB failed as ": No such file or directory".
    func testRegressionDashAndEmptyPathLinesAreRefusedByName() throws {
        let r = try Tool.run(["prep"], stdin: Data("-\n\tonly a caption\n\(fixture)\n".utf8))
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("line 1: failed: -: a list line must name a file"), r.stderr)
        XCTAssertTrue(r.stderr.contains("line 2: failed: (empty path): a list line must name a file"), r.stderr)
        XCTAssertTrue(r.stderr.contains("1 written"), r.stderr)
    }

    // Found by the hostile corpus: FFmpeg's own explanation went only to its (quiet) log, so a
    // y4m declaring 30000x30000 failed as "Device or resource busy" and an mp4 without its moov
    // as a bare "Invalid data found when processing input".
    func testRegressionFFmpegsOwnReasonIsGivenBesideItsErrorCode() throws {
        let dir = try Tool.temporaryDirectory(self)
        let y4m = dir.appendingPathComponent("huge.y4m"), mp4 = dir.appendingPathComponent("no moov.mp4")
        try HostileCorpus.y4m(width: 30000, height: 30000).write(to: y4m)
        try HostileCorpus.removingBox("moov", from: try Data(contentsOf: URL(fileURLWithPath: fixture))).write(to: mp4)
        let r = try Tool.run(["prep"], stdin: Data("\(y4m.path)\n\(mp4.path)\n".utf8))
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("line 1: failed: \(y4m.path): ") && r.stderr.contains(": Picture size 30000x30000 is invalid (opening input)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("line 2: failed: \(mp4.path): Invalid data found when processing input: moov atom not found (opening input)"), r.stderr)
        XCTAssertFalse(r.stderr.contains("[mov,mp4"), "FFmpeg's log itself stays quiet by default\n\(r.stderr)")
    }

    // Found by the hostile corpus: a 4000x2 clip (8000 pixels a frame, far within --max-pixels)
    // with --preset latent256 was scaled to 512000x256 before the centre crop: 1.6 GB and 98 s
    // for one window. The scaled size now counts against --max-pixels.
    func testRegressionThinFrameCroppedToASquareIsRefusedNotScaledToGigabytes() throws {
        guard HostileCorpus.hasFFmpeg else { throw XCTSkip("the ffmpeg CLI is not installed") }
        let dir = try Tool.temporaryDirectory(self)
        let make = try Tool.shell("ffmpeg -nostdin -v error -f lavfi -i testsrc=s=4000x2:r=10:d=2 -f lavfi -i sine=r=16000:d=2 "
            + "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac thin.mp4", cwd: dir)
        XCTAssertEqual(make.status, 0, make.stderr)
        let clip = dir.appendingPathComponent("thin.mp4").path
        let timed = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        let r = try Tool.shell((timed ? "/usr/bin/time -f %M -o rss " : "")
            + "'\(Tool.binary.path)' prep --preset latent256 --timeout 60 < <(printf '%s\\n' '\(clip)') > /dev/null", cwd: dir)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("\(clip): a 4000x2 frame fitted (crop) to 256x256 is first scaled to 512000x256, over the limit of 40000000 pixels"), r.stderr)
        if timed, let kb = Int(try String(contentsOf: dir.appendingPathComponent("rss"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)) {
            XCTAssertLessThan(kb, 512 << 10, "peak RSS \(kb) KiB")
        }
        let padded = try Tool.run(["prep"], stdin: Data("\(clip)\n".utf8))
        XCTAssertEqual(padded.status, 0, "padding to 64x64 scales down, within the limit\n\(padded.stderr)")
    }

    // Found by the hostile corpus: prep read its whole list into memory without a bound and
    // without looking at signals: `prep --list /dev/zero` grew to 17 GB, ignored SIGTERM, and
    // aborted on a failed 34 GB allocation.
    func testRegressionEndlessListIsRefusedWithBoundedMemory() throws {
        let dir = try Tool.temporaryDirectory(self)
        let timed = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        let r = try Tool.shell((timed ? "/usr/bin/time -f %M -o rss " : "")
            + "'\(Tool.binary.path)' prep --list /dev/zero > out.tar", cwd: dir)
        Hostile.assertNoCrash(r, "list /dev/zero")
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("/dev/zero: the list is larger than 256 MiB"), r.stderr)
        if timed, let kb = Int(try String(contentsOf: dir.appendingPathComponent("rss"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)) {
            XCTAssertLessThan(kb, 1 << 20, "peak RSS \(kb) KiB")
        }
    }

    // The same: SIGTERM while an endless list is being read ends the run with 143 and a message.
    func testRegressionSIGTERMWhileReadingTheListEndsTheRun() throws {
        let dir = try Tool.temporaryDirectory(self)
        let fifo = dir.appendingPathComponent("endless.list").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let producer = Process()
        producer.executableURL = URL(fileURLWithPath: "/bin/bash")
        producer.arguments = ["-c", "while head -c 262144 /dev/zero; do sleep 0.05; done > '\(fifo)'"]
        try producer.run()
        defer { if producer.isRunning { producer.terminate() } }
        let p = Process()
        p.executableURL = Tool.binary
        p.arguments = ["prep", "--list", fifo, "-o", dir.appendingPathComponent("o.tar").path]
        let err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        usleep(1_500_000)
        p.terminate()
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let message = try String(contentsOf: err, encoding: .utf8)
        XCTAssertEqual(p.terminationReason, .exit, message)
        XCTAssertEqual(p.terminationStatus, 143, message)
        XCTAssertTrue(message.contains("interrupted by signal 15 while reading the list"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o.tar").path))
    }
}
