import Foundation
import XCTest
@testable import MediaIO

/// Runs the built `mmdisco-av` binary and collects its output, exit status and stderr.
enum Tool {
    /// Package root, from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the checkout, or nil when absent (a user's fresh clone).
    static var shared: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The built executable, next to the test bundle.
    static var binary: URL {
        let dir = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [dir, Bundle.main.bundleURL] {
            let url = candidate.appendingPathComponent("mmdisco-av")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/mmdisco-av")
    }

    /// The result of one run.
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs the tool with `arguments`, feeding `stdin`.
    @discardableResult
    static func run(_ arguments: [String], stdin: Data = Data(), cwd: URL? = nil) throws -> Result {
        try runProcess(binary.path, arguments, stdin: stdin, cwd: cwd)
    }

    /// Runs any program and collects its output; stdin and stderr go through temporary files.
    static func runProcess(_ path: String, _ arguments: [String], stdin: Data = Data(), cwd: URL? = nil) throws -> Result {
        let tmp = FileManager.default.temporaryDirectory
        let inURL = tmp.appendingPathComponent("stdin-\(UUID().uuidString)")
        let errURL = tmp.appendingPathComponent("stderr-\(UUID().uuidString)")
        try stdin.write(to: inURL)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: inURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments
        if let cwd { p.currentDirectoryURL = cwd }
        let output = Pipe()
        let input = try FileHandle(forReadingFrom: inURL)
        let error = try FileHandle(forWritingTo: errURL)
        defer { try? input.close(); try? error.close() }
        p.standardInput = input
        p.standardOutput = output
        p.standardError = error
        try p.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let err = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(status: p.terminationStatus, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs a shell command line (for pipelines) and collects its output.
    static func shell(_ command: String, cwd: URL? = nil) throws -> Result {
        try runProcess("/bin/bash", ["-c", command], cwd: cwd)
    }

    /// A fresh temporary directory, removed at the end of the test.
    static func temporaryDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mmdisco-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Every sample of the tar file at `path`.
    static func samples(atPath path: String) throws -> [WebDatasetSample] {
        let reader = WebDatasetReader(tar: TarReader(source: try ByteSource(path: path)))
        var out: [WebDatasetSample] = []
        while let s = try reader.next() { out.append(s) }
        return out
    }

    /// Every sample of a tar held in memory (written to a temporary file of `test`).
    static func samples(in data: Data, _ test: XCTestCase) throws -> [WebDatasetSample] {
        let path = try temporaryDirectory(test).appendingPathComponent("x.tar").path
        try data.write(to: URL(fileURLWithPath: path))
        return try samples(atPath: path)
    }

    /// True when python3 can import every module named.
    static func python(has modules: [String]) -> Bool {
        let r = try? runProcess("/usr/bin/env", ["python3", "-c", modules.map { "import \($0)" }.joined(separator: "; ")])
        return r?.status == 0
    }
}
