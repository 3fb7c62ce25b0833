import Foundation
import XCTest
@testable import MediaIO

/// SIGINT mid-run: the tar ends at a sample boundary with a valid end-of-archive.
final class InterruptTests: XCTestCase {
    func testSIGINTLeavesAWholeSampleTar() throws {
        let fixture = Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path
        let dir = try Tool.temporaryDirectory(self)
        let list = dir.appendingPathComponent("l")
        try String(repeating: "\(fixture)\n", count: 400).write(to: list, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("o.tar")
        let err = dir.appendingPathComponent("e.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = Tool.binary
        p.arguments = ["prep", "--list", list.path, "--jobs", "2"]
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning, Date() < deadline,
              ((try? FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int) ?? 0) < 1_000_000 {
            usleep(20_000)
        }
        XCTAssertTrue(p.isRunning, "prep finished before it could be interrupted")
        p.interrupt()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "ends by exit, not by the signal")
        XCTAssertEqual(p.terminationStatus, 130)
        let stderr = try String(contentsOf: err, encoding: .utf8)
        XCTAssertTrue(stderr.contains("interrupted"), stderr)

        let reader = WebDatasetReader(tar: TarReader(source: try ByteSource(path: out.path)))
        var count = 0
        while let s = try reader.next() {
            XCTAssertEqual(Set(s.files.keys), ["audio.npy", "json", "video.npy"], "sample \(s.key) is whole")
            count += 1
        }
        XCTAssertGreaterThan(count, 0)
        XCTAssertLessThan(count, 400)
        let data = try Data(contentsOf: out)
        XCTAssertEqual(data.count % 512, 0)
        XCTAssertTrue(data.suffix(1024).allSatisfy { $0 == 0 }, "ends with the end-of-archive blocks")
        if Tool.python(has: ["tarfile"]) {
            let py = try Tool.runProcess("/usr/bin/env", ["python3", "-c",
                "import tarfile,sys; n=len(tarfile.open(sys.argv[1]).getmembers()); assert n % 3 == 0, n; print(n)", out.path])
            XCTAssertEqual(py.status, 0, py.stderr)
        }
    }
}
