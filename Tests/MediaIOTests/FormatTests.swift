import Foundation
import XCTest
@testable import MediaIO

/// Tests of the npy and tar formats, in-process and against Python's numpy/tarfile when present.
final class FormatTests: XCTestCase {
    func testNpyRoundTripAndHeaderAlignment() throws {
        let a = try NpyArray(float32: [1, -2.5, 3, .infinity, 0, 7], shape: [2, 3])
        let bytes = NpyCoding.encode(a)
        let headerEnd = 10 + Int(bytes[8]) + Int(bytes[9]) * 256
        XCTAssertEqual(headerEnd % 64, 0, "numpy pads the header so data starts on a 64-byte boundary")
        XCTAssertEqual(bytes[headerEnd - 1], UInt8(ascii: "\n"))
        let b = try NpyCoding.decode(bytes)
        XCTAssertEqual(a, b)
        XCTAssertEqual(try b.floats(), [1, -2.5, 3, .infinity, 0, 7])
        let u = try NpyArray(uint8: [1, 2, 3], shape: [3])
        XCTAssertEqual(try NpyCoding.decode(NpyCoding.encode(u)), u)
        let scalar = try NpyArray(float32: [4], shape: [])
        XCTAssertEqual(try NpyCoding.decode(NpyCoding.encode(scalar)).shape, [])
    }

    func testNpyRejectsMalformedInput() {
        let good = NpyCoding.encode(try! NpyArray(float32: [1, 2, 3, 4], shape: [4]))
        XCTAssertThrowsError(try NpyCoding.decode([]))
        XCTAssertThrowsError(try NpyCoding.decode(Array(good.dropLast(1))), "truncated data")
        XCTAssertThrowsError(try NpyCoding.decode(good + [0]), "trailing data")
        var longHeader = good
        longHeader[8] = 0xff; longHeader[9] = 0xff
        XCTAssertThrowsError(try NpyCoding.decode(longHeader), "header length past the end")
        let huge = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }\n".utf8)
        XCTAssertThrowsError(try NpyCoding.decode(NpyCoding.magic + [1, 0, UInt8(huge.count), 0] + huge), "overflowing shape")
        let fortran = Array("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }\n".utf8)
        XCTAssertThrowsError(try NpyCoding.decode(NpyCoding.magic + [1, 0, UInt8(fortran.count), 0] + fortran + [0, 0, 0, 0]))
    }

    func testTarRoundTripWithLongAndNonASCIINames() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fmt-\(UUID().uuidString).tar").path
        defer { unlink(path) }
        let longName = String(repeating: "d/", count: 90) + "clé ünïcode_000001.audio.npy"
        let entries: [(String, [UInt8])] = [
            ("000000_w000.json", Array("{}".utf8)),
            ("000000_w000.audio.npy", [UInt8](repeating: 7, count: 1000)),
            (longName, [1, 2, 3]),
            ("empty.txt", []),
        ]
        do {
            let sink = try ByteSink(creating: path)
            let w = TarWriter(sink: sink)
            for (n, d) in entries { try w.append(name: n, data: d) }
            try w.finish()
        }
        let r = TarReader(source: try ByteSource(path: path))
        var read: [(String, [UInt8])] = []
        while let e = try r.next() { read.append((e.name, e.data)) }
        XCTAssertEqual(read.map(\.0), entries.map(\.0))
        XCTAssertEqual(read.map(\.1), entries.map(\.1))

        let python = try PythonCheck.run("""
            import tarfile, sys
            t = tarfile.open(sys.argv[1])
            print('|'.join(f"{m.name}:{m.size}" for m in t.getmembers()))
            """, arguments: [path])
        if let out = python {
            XCTAssertEqual(out.trimmingCharacters(in: .whitespacesAndNewlines),
                           entries.map { "\($0.0):\($0.1.count)" }.joined(separator: "|"))
        }
    }

    func testTarReaderRejectsDamage() throws {
        var out: [UInt8] = []
        TarWriter.encodeEntry(name: "a.bin", data: [UInt8](repeating: 1, count: 600), mtime: 0, into: &out)
        func read(_ bytes: [UInt8]) throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("dmg-\(UUID().uuidString).tar").path
            defer { unlink(path) }
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let r = TarReader(source: try ByteSource(path: path), maxEntrySize: 1 << 20)
            while try r.next() != nil {}
        }
        XCTAssertNoThrow(try read(out))
        XCTAssertThrowsError(try read(Array(out.prefix(700))), "truncated data")
        var badSum = out; badSum[0] = UInt8(ascii: "b")
        XCTAssertThrowsError(try read(badSum), "checksum")
        var huge = out
        let sizeField = Array("77777777770".utf8)
        for (i, b) in sizeField.enumerated() { huge[124 + i] = b }
        let sum = (0..<512).reduce(0) { $0 + ((148..<156).contains($1) ? 32 : Int(huge[$1])) }
        for (i, b) in Array(String(sum, radix: 8).leftPad(6).utf8).enumerated() { huge[148 + i] = b }
        huge[154] = 0; huge[155] = 32
        XCTAssertThrowsError(try read(huge)) { XCTAssert("\($0)".contains("over the limit")) }
    }

    func testWebDatasetGroupsAdjacentFilesByKey() throws {
        XCTAssertEqual(WebDatasetNaming.split("dir/000001_w002.audio.npy")?.key, "dir/000001_w002")
        XCTAssertEqual(WebDatasetNaming.split("dir.v1/k.json")?.ext, "json")
        XCTAssertFalse(WebDatasetNaming.isValidKey("a.b"))
        XCTAssertTrue(WebDatasetNaming.isValidKey("000042_w003"))
    }
}

extension String {
    func leftPad(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}

/// Runs a Python snippet when python3 is present; returns nil (and says so) when it is not.
enum PythonCheck {
    static func run(_ script: String, arguments: [String] = [], modules: [String] = []) throws -> String? {
        for m in modules {
            guard (try? execute("/usr/bin/env", ["python3", "-c", "import \(m)"]))?.status == 0 else {
                print("skipping Python check: python3 module \(m) is not installed")
                return nil
            }
        }
        guard let result = try? execute("/usr/bin/env", ["python3", "-c", script] + arguments) else {
            print("skipping Python check: python3 not found")
            return nil
        }
        guard result.status == 0 else {
            throw NSError(domain: "python", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        return result.stdout
    }

    static func execute(_ tool: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
