import Foundation
import XCTest
@testable import MediaIO

/// Every item of the hostile corpus through `prep`: a defined outcome with a reason naming the
/// line and input, documented exit codes, bounded memory, and the good clips of the same list
/// written exactly as in a run without the bad lines.
final class HostilePrepTests: XCTestCase {
    /// The corpus, generated once per test process.
    static let shared = Result<HostileCorpus, Error> {
        guard HostileCorpus.hasFFmpeg else { throw XCTSkip("the ffmpeg CLI is not installed: no corpus") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try HostileCorpus(in: dir)
    }

    override class func tearDown() {
        if case let .success(corpus) = shared { try? FileManager.default.removeItem(at: corpus.directory) }
        super.tearDown()
    }

    /// Per-input budget: the FIFO item waits this long; real clips decode in a fraction of it.
    let timeout = "3"

    /// All samples of a tar, checking that each is whole and the archive ends cleanly.
    func samples(_ data: Data, file: StaticString = #filePath, line: UInt = #line) throws -> [WebDatasetSample] {
        XCTAssertEqual(data.count % 512, 0, "whole 512-byte blocks", file: file, line: line)
        XCTAssertTrue(data.suffix(1024).allSatisfy { $0 == 0 } && data.count >= 1024, "end-of-archive", file: file, line: line)
        let path = try Tool.temporaryDirectory(self).appendingPathComponent("x.tar")
        try data.write(to: path)
        let reader = WebDatasetReader(tar: TarReader(source: try ByteSource(path: path.path)))
        var out: [WebDatasetSample] = []
        while let s = try reader.next() {
            XCTAssertEqual(Set(s.files.keys), ["audio.npy", "json", "video.npy"], "sample \(s.key) is whole", file: file, line: line)
            out.append(s)
        }
        return out
    }

    /// The sidecar without the fields that depend on the line's place in the list (`key`,
    /// `index`, `line`), which differ between a list with and one without the bad lines.
    func placeFree(_ json: [UInt8]?) throws -> NSDictionary {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(json))) as? [String: Any])
        return object.filter { !["key", "index", "line"].contains($0.key) } as NSDictionary
    }

    func testEveryItemHasItsOutcomeAndTheGoodClipsComeOutByteIdentical() throws {
        let corpus = try Self.shared.get()
        let dir = try Tool.temporaryDirectory(self)
        let (text, goodLines, itemLines) = corpus.mixedList()
        let list = dir.appendingPathComponent("mixed.list"), report = dir.appendingPathComponent("report.jsonl")
        try Data(text.utf8).write(to: list)
        let out = dir.appendingPathComponent("mixed.tar"), rss = dir.appendingPathComponent("rss")
        let bin = Tool.binary.path
        let timed = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
        let r = try Tool.shell((timed ? "/usr/bin/time -f %M -o '\(rss.path)' " : "")
            + "'\(bin)' prep --jobs 2 --timeout \(timeout) --list '\(list.path)' --report '\(report.path)' -o '\(out.path)'")
        Hostile.assertNoCrash(r, "mixed list")
        XCTAssertEqual(r.status, 1, "exit 1: some lines failed, the others were written\n\(r.stderr)")

        let records = try String(contentsOf: report, encoding: .utf8).split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(records.count, corpus.items.count + goodLines.count, "one report line per usable list line")
        let byLine = Dictionary(uniqueKeysWithValues: records.compactMap { rec in (rec["line"] as? Int).map { ($0, rec) } })
        for (item, line) in zip(corpus.items, itemLines) {
            let rec = try XCTUnwrap(byLine[line], "\(item.kind): no report line")
            let status = rec["status"] as? String ?? "?", reason = rec["reason"] as? String ?? ""
            XCTAssertTrue(item.statuses.contains(status), "\(item.kind): \(status) \(reason)")
            if status != "written" {
                XCTAssertFalse(reason.isEmpty, "\(item.kind): no reason")
                if let expected = item.reason { XCTAssertTrue(reason.contains(expected), "\(item.kind): \(reason)") }
                let named = item.path.isEmpty ? "(empty path)" : item.path
                XCTAssertTrue(r.stderr.contains("line \(line): ") && r.stderr.contains(named),
                              "\(item.kind): stderr names the line and input\n\(r.stderr)")
            }
        }
        if timed, let kb = Int(try String(contentsOf: rss, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) {
            XCTAssertLessThan(kb, 1 << 20, "peak RSS \(kb) KiB: no input made prep allocate gigabytes")
        }

        // The same good lines alone. Keys come from list indices, so the k-th good clip of the
        // mixed run is matched to the k-th of this run by its report index; their audio and video
        // .npy bytes must be identical and their json identical but for key, index and line.
        let reference = try Tool.run(["prep", "--timeout", timeout], stdin: Data((goodLines.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let expected = try samples(reference.stdout)
        XCTAssertEqual(expected.count, goodLines.count)
        let mixed = Dictionary(uniqueKeysWithValues: try samples(try Data(contentsOf: out)).map { ($0.key, $0) })
        let goodIndices = records.filter { rec in goodLines.contains { $0.hasPrefix("\(rec["path"] as? String ?? "?")\t") } }
            .compactMap { $0["index"] as? Int }.sorted()
        XCTAssertEqual(goodIndices.count, goodLines.count)
        for (k, index) in goodIndices.enumerated() where k < expected.count {
            let got = try XCTUnwrap(mixed[String(format: "%06d_w000", index)], "good line \(k) missing from the mixed run")
            XCTAssertEqual(got.files["audio.npy"], expected[k].files["audio.npy"], "good line \(k): audio differs")
            XCTAssertEqual(got.files["video.npy"], expected[k].files["video.npy"], "good line \(k): video differs")
            XCTAssertEqual(try placeFree(got.files["json"]), try placeFree(expected[k].files["json"]), "good line \(k): json differs")
        }
    }

    /// Each item alone: its exit code (0 written, 1 skipped or failed), a valid empty-or-whole
    /// archive, and never a trap. Prints the outcome table.
    func testEachItemAloneExitsAsDocumented() throws {
        let corpus = try Self.shared.get()
        // Three runs at a time: most of each run is process start-up, and the FIFO item waits.
        let results = Results(count: corpus.items.count)
        let timeout = self.timeout
        DispatchQueue.concurrentPerform(iterations: corpus.items.count) { i in
            results.set(i, Result { try Tool.run(["prep", "--timeout", timeout], stdin: Data("\(corpus.items[i].line)\n".utf8)) })
        }
        var table = ["| input | outcome | exit |", "|---|---|---|"]
        for (item, result) in zip(corpus.items, results.values) {
            let r = try XCTUnwrap(result).get()
            Hostile.assertNoCrash(r, item.kind)
            let written = r.stderr.contains("1 written")
            XCTAssertEqual(r.status, written ? 0 : 1, "\(item.kind)\n\(r.stderr)")
            XCTAssertEqual(try samples(r.stdout, line: #line).count, written ? 1 : 0, item.kind)
            let outcome = r.stderr.split(separator: "\n").first { $0.contains("line 1") }
                .map { $0.replacingOccurrences(of: item.path.isEmpty ? "\u{0}" : item.path, with: "PATH") } ?? "written"
            table.append("| \(item.kind) | \(outcome) | \(r.status) |")
        }
        print(table.joined(separator: "\n"))
    }

    func testDurationAndFrameSizeLimitsAreErrorsNamingTheLimit() throws {
        let corpus = try Self.shared.get()
        let ten = corpus.directory.appendingPathComponent("ten-hours.mkv").path, good = corpus.good[0]
        let all = try Tool.run(["prep", "--windows", "all", "--timeout", timeout], stdin: Data("\(ten)\n\(good)\n".utf8))
        Hostile.assertNoCrash(all, "10 h, all windows")
        XCTAssertEqual(all.status, 1, all.stderr)
        XCTAssertTrue(all.stderr.contains("line 1: failed: \(ten): duration 36000.164 s exceeds the limit of 21600.0 s"), all.stderr)
        XCTAssertEqual(try samples(all.stdout).map(\.key), ["000001_w000"])

        let short = try Tool.run(["prep", "--windows", "all", "--max-duration", "2"], stdin: Data("\(good)\n".utf8))
        XCTAssertEqual(short.status, 1, short.stderr)
        XCTAssertTrue(short.stderr.contains("exceeds the limit of 2.0 s"), short.stderr)

        let small = try Tool.run(["prep", "--max-pixels", "1000"], stdin: Data("\(good)\n".utf8))
        XCTAssertEqual(small.status, 1, small.stderr)
        XCTAssertTrue(small.stderr.contains("frame size 64x48 exceeds the limit"), small.stderr)

        // A header declaring 16000x16000 (384 MB a frame) is refused before any frame is decoded.
        let big = corpus.directory.appendingPathComponent("huge-16000.y4m").path
        let huge = try Tool.run(["prep", "--missing-audio", "silence", "--timeout", timeout], stdin: Data("\(big)\n".utf8))
        Hostile.assertNoCrash(huge, "16000x16000")
        XCTAssertEqual(huge.status, 1, huge.stderr)
        XCTAssertTrue(huge.stderr.contains("\(big): frame size 16000x16000 exceeds the limit (16384x16384, 40000000 pixels)"), huge.stderr)
    }

    func testAListThatCannotBeReadIsFatalAndLeavesNoOutput() throws {
        let dir = try Tool.temporaryDirectory(self)
        let out = dir.appendingPathComponent("o.tar").path
        for (kind, list) in [("directory", dir.path), ("missing", dir.appendingPathComponent("nope.list").path)] {
            let r = try Tool.run(["prep", "--list", list, "-o", out])
            Hostile.assertNoCrash(r, "list: \(kind)")
            XCTAssertEqual(r.status, 2, "\(kind): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(list), "\(kind): names the list\n\(r.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(kind): nothing at -o")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "no temporary left behind")
    }
}

/// Results filled in from several threads.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<Tool.Result, Error>?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<Tool.Result, Error>) {
        lock.lock()
        storage[i] = value
        lock.unlock()
    }

    var values: [Result<Tool.Result, Error>?] {
        lock.lock()
        defer { lock.unlock() }
        return storage
    }
}
