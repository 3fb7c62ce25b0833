import Foundation
import XCTest
@testable import MediaIO

/// SIGTERM mid-run, like the SIGINT test in InterruptTests: whole samples, a valid
/// end-of-archive, a summary on stderr and exit 143; with -o, a valid file and no temporary.
final class HostileSignalTests: XCTestCase {
    var fixture: String { Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path }

    /// Starts prep on 400 copies of the fixture, waits for `minimumBytes` at `watch`, sends SIGTERM.
    func terminateMidRun(arguments: [String], stdout: URL, watch: URL, in dir: URL) throws -> (status: Int32, stderr: String) {
        let list = dir.appendingPathComponent("l")
        try String(repeating: "\(fixture)\n", count: 400).write(to: list, atomically: true, encoding: .utf8)
        let err = dir.appendingPathComponent("e.txt")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = Tool.binary
        p.arguments = ["prep", "--list", list.path, "--jobs", "2"] + arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: stdout)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        func size() -> Int {
            let path = watch.path == stdout.path ? watch.path
                : ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
                    .first { $0.hasPrefix(watch.lastPathComponent + ".tmp-") }.map { dir.appendingPathComponent($0).path } ?? watch.path
            return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
        while p.isRunning, Date() < deadline, size() < 1_000_000 { usleep(20_000) }
        XCTAssertTrue(p.isRunning, "prep finished before it could be terminated")
        p.terminate()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .exit, "ends by exit, not by the signal")
        return (p.terminationStatus, try String(contentsOf: err, encoding: .utf8))
    }

    /// Reads the archive at `url`, checking whole samples and the end-of-archive; returns the count.
    func wholeSamples(_ url: URL) throws -> Int {
        let data = try Data(contentsOf: url)
        XCTAssertEqual(data.count % 512, 0)
        XCTAssertTrue(data.count >= 1024 && data.suffix(1024).allSatisfy { $0 == 0 }, "ends with the end-of-archive blocks")
        let reader = WebDatasetReader(tar: TarReader(source: try ByteSource(path: url.path)))
        var count = 0
        while let s = try reader.next() {
            XCTAssertEqual(Set(s.files.keys), ["audio.npy", "json", "video.npy"], "sample \(s.key) is whole")
            count += 1
        }
        return count
    }

    func testSIGTERMLeavesAWholeSampleTarOnStdout() throws {
        let dir = try Tool.temporaryDirectory(self)
        let out = dir.appendingPathComponent("o.tar")
        let (status, stderr) = try terminateMidRun(arguments: [], stdout: out, watch: out, in: dir)
        XCTAssertEqual(status, 143, stderr)
        XCTAssertTrue(stderr.contains("interrupted by signal 15") && stderr.contains("archive ends cleanly"), stderr)
        let count = try wholeSamples(out)
        XCTAssertGreaterThan(count, 0)
        XCTAssertLessThan(count, 400)
        XCTAssertTrue(stderr.contains("\(count) written"), "the summary counts what the archive holds\n\(stderr)")
    }

    func testSIGTERMWithOutputFileLeavesAValidFileAndNoTemporary() throws {
        let dir = try Tool.temporaryDirectory(self)
        let out = dir.appendingPathComponent("o.tar"), stdout = dir.appendingPathComponent("stdout")
        let (status, stderr) = try terminateMidRun(arguments: ["-o", out.path], stdout: stdout, watch: out, in: dir)
        XCTAssertEqual(status, 143, stderr)
        XCTAssertEqual(try Data(contentsOf: stdout).count, 0, "nothing on stdout with -o")
        let count = try wholeSamples(out)
        XCTAssertGreaterThan(count, 0)
        XCTAssertLessThan(count, 400)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        XCTAssertEqual(left, [], "no temporary file left beside -o")
    }
}
