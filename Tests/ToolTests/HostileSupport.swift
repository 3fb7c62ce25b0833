import Foundation
import XCTest
@testable import MediaIO
#if canImport(Glibc)
import Glibc
#endif

/// Helpers for the Hostile* tests: archive and tensor builders, and the "no crash" contract.
enum Hostile {
    /// The exit codes documented in man/mmdisco-av.1 (EXIT STATUS) for a run that was not signalled.
    static let documentedStatuses: Set<Int32> = [0, 1, 2, 64]

    /// A tar of `entries` as `TarWriter` writes it, with the end-of-archive blocks.
    static func tar(_ entries: [(name: String, data: [UInt8])]) -> Data {
        var out: [UInt8] = []
        for entry in entries { TarWriter.encodeEntry(name: entry.name, data: entry.data, mtime: 0, into: &out) }
        return Data(out + [UInt8](repeating: 0, count: 1024))
    }

    /// `.npy` bytes for a float32 array of `shape`, every element `value`.
    static func float32(_ shape: [Int], _ value: Float = 0) throws -> [UInt8] {
        let count = shape.reduce(1, *)
        return NpyCoding.encode(try NpyArray(float32: [Float](repeating: value, count: count), shape: shape))
    }

    /// `.npy` bytes for a uint8 array of `shape`, every element `value`.
    static func uint8(_ shape: [Int], _ value: UInt8 = 128) throws -> [UInt8] {
        let count = shape.reduce(1, *)
        return NpyCoding.encode(try NpyArray(uint8: [UInt8](repeating: value, count: count), shape: shape))
    }

    /// A version 1.0 `.npy` file with the given header dictionary text, padded as numpy pads it.
    static func rawNpy(header: String, data: [UInt8]) -> [UInt8] {
        var text = Array(header.utf8)
        let total = 10 + text.count + 1
        text += [UInt8](repeating: UInt8(ascii: " "), count: (total + 63) / 64 * 64 - total) + [UInt8(ascii: "\n")]
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xff), UInt8(text.count >> 8)] + text + data
    }

    /// JSON bytes of `object`.
    static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    /// Asserts the run ended by a documented exit (no trap, no signal) with no crash report on stderr.
    static func assertNoCrash(_ r: Tool.Result, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(documentedStatuses.contains(r.status),
                      "\(what): exit \(r.status) is not a documented status\n\(r.stderr)", file: file, line: line)
        for sign in ["Fatal error", "Program crashed", "AddressSanitizer", "Backtrac"] {
            XCTAssertFalse(r.stderr.contains(sign), "\(what): stderr shows a crash\n\(r.stderr)", file: file, line: line)
        }
    }

    /// Runs the tool with stdin from /dev/null, killing it (SIGKILL) if it is still running after
    /// `seconds`; returns the result and whether it had to be killed.
    static func run(_ arguments: [String], killAfter seconds: Double) throws -> (result: Tool.Result, hung: Bool) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = Tool.binary
        p.arguments = arguments
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        let hung = p.isRunning
        if hung { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let result = Tool.Result(status: p.terminationStatus, stdout: try Data(contentsOf: out),
                                 stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
        return (result, hung)
    }
}
