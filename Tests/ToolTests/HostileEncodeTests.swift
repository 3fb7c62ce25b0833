import Foundation
import XCTest
@testable import MediaIO

/// `encode` on damaged archives and tensors: a documented exit and a message naming the sample,
/// never a trap.
final class HostileEncodeTests: XCTestCase {
    /// A sample with a 2-frame 16x16 video, 0.1 s of audio and the given sidecar.
    func sample(_ key: String = "k", json: [String: Any]? = nil, audio: [UInt8]? = nil,
                video: [UInt8]? = nil) throws -> [(name: String, data: [UInt8])] {
        var entries: [(name: String, data: [UInt8])] = [(name: "\(key).audio.npy", data: try audio ?? Hostile.float32([1, 1600]))]
        if let json { entries.append((name: "\(key).json", data: try Hostile.json(json))) }
        entries.append((name: "\(key).video.npy", data: try video ?? Hostile.uint8([2, 3, 16, 16])))
        return entries
    }

    func encode(_ tar: Data, _ arguments: [String] = []) throws -> Tool.Result {
        try Tool.run(["encode"] + arguments, stdin: tar)
    }

    // Found by the hostile tests: `SampleTensors` read `shape[0]` of a 0-d audio array.
    func testRegressionZeroDimensionalAudioNpyIsAnErrorNotACrash() throws {
        let scalar = NpyCoding.encode(try NpyArray(float32: [0.5], shape: []))
        let r = try encode(Hostile.tar(try sample(audio: scalar)))
        Hostile.assertNoCrash(r, "0-d audio.npy")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("k: ") && r.stderr.contains("audio must be float32 [1, N] or [N]"), r.stderr)
    }

    // Found by the hostile tests: a sidecar sample_rate over Int32.max trapped converting it for the AAC encoder.
    func testRegressionSidecarSampleRateOverInt32IsAnErrorNotACrash() throws {
        let r = try encode(Hostile.tar(try sample(json: ["fps": 10, "sample_rate": 3_000_000_000])))
        Hostile.assertNoCrash(r, "sample_rate 3e9")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("k: ") && r.stderr.contains("sample_rate"), r.stderr)
    }

    // Found by the hostile tests: a sidecar fps of 1e300 trapped computing the keyframe interval of piped output.
    func testRegressionSidecarFpsOf1e300IsAnErrorNotACrash() throws {
        let r = try encode(Hostile.tar(try sample(json: ["fps": 1e300, "sample_rate": 16_000])))
        Hostile.assertNoCrash(r, "fps 1e300")
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("k: ") && r.stderr.contains("fps"), r.stderr)
    }

    // Found by the hostile tests: the same traps were reachable from the --fps and --sample-rate flags.
    func testRegressionHugeFpsAndSampleRateFlagsAreUsageErrors() throws {
        let dir = try Tool.temporaryDirectory(self)
        let video = dir.appendingPathComponent("x.video.npy"), audio = dir.appendingPathComponent("x.audio.npy")
        try Data(try Hostile.uint8([2, 3, 16, 16])).write(to: video)
        try Data(try Hostile.float32([1, 1600])).write(to: audio)
        for flags in [["--fps", "1e300"], ["--sample-rate", "3000000000"]] {
            let r = try Tool.run(["encode"] + flags + [video.path, audio.path])
            Hostile.assertNoCrash(r, "\(flags)")
            XCTAssertEqual(r.status, 64, "\(flags): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(flags[0]), r.stderr)
        }
    }

    // Found by the hostile tests: NaN or infinite audio reached the AAC encoder, which refused it
    // as "sending a frame to aac: Invalid argument", naming neither the cause nor the values.
    func testRegressionNonFiniteAudioIsNamedNotAnFFmpegInvalidArgument() throws {
        for value in [Float.infinity, -.infinity, .nan] {
            var samples = [Float](repeating: 0.25, count: 1600)
            samples[700] = value
            let audio = NpyCoding.encode(try NpyArray(float32: samples, shape: [1, 1600]))
            let r = try encode(Hostile.tar(try sample(audio: audio)))
            Hostile.assertNoCrash(r, "audio \(value)")
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains("k: audio sample 700 is \(value)"), r.stderr)
        }
    }

    // Found by the hostile tests: when the output file could not be opened, EncodeMuxer freed its
    // format context and threw from a fully initialised init, so deinit freed it again: SIGSEGV.
    func testRegressionUnopenableOutputIsAnErrorNotADoubleFree() throws {
        let dir = try Tool.temporaryDirectory(self)
        let tar = Hostile.tar(try sample())
        for arguments in [["--out-dir", "\(dir.path)/no/such/dir"], ["-o", "\(dir.path)/no/such/dir/x.mp4"]] {
            let r = try encode(tar, arguments)
            Hostile.assertNoCrash(r, "\(arguments)")
            XCTAssertTrue(r.stderr.contains("no/such/dir") && r.stderr.contains("No such file or directory"), r.stderr)
        }
    }

    /// A tar header (ustar, valid checksum) for `name` declaring `size` bytes in GNU base-256.
    func base256Header(name: String, size: UInt64) -> [UInt8] {
        var h = TarWriter.header(name: Array(name.utf8), prefix: [], size: 0, mtime: 0, type: UInt8(ascii: "0"))
        h[124] = 0x80
        for i in 125..<128 { h[i] = 0 }
        var v = size
        for i in stride(from: 135, through: 128, by: -1) { h[i] = UInt8(v & 0xff); v >>= 8 }
        for i in 148..<156 { h[i] = UInt8(ascii: " ") }
        let sum = h.reduce(0) { $0 + Int($1) }
        let digits = Array(String(sum, radix: 8).utf8)
        let field = [UInt8](repeating: UInt8(ascii: "0"), count: 6 - digits.count) + digits + [0]
        for (i, b) in field.enumerated() { h[148 + i] = b }
        return h
    }

    /// Damaged archives and tensors: each gives its documented exit and a message that names the
    /// problem (and the sample, for sample-level damage); none traps or allocates its declared size.
    func testDamagedArchivesAndTensorsFailByName() throws {
        let good = Hostile.tar(try sample())
        var badNpy = try Hostile.uint8([2, 3, 16, 16]); badNpy[0] = 0
        let hugeShape = Hostile.rawNpy(header: "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 3, 99999, 99999), }", data: [1, 2, 3])
        let complexDescr = Hostile.rawNpy(header: "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", data: [UInt8](repeating: 0, count: 16))
        let cases: [(kind: String, input: Data, status: Int32, message: String)] = [
            ("empty stdin", Data(), 1, "no samples in the input"),
            ("random bytes", HostileCorpus.randomBytes(4096, seed: 3), 2, "malformed tar: bad header checksum"),
            ("tar cut inside an entry", good.prefix(700), 2, "malformed tar: entry k.audio.npy truncated"),
            ("tar entry declaring 1 TiB", Data(base256Header(name: "k.video.npy", size: 1 << 40) + [UInt8](repeating: 7, count: 512)),
             2, "tar entry k.video.npy is 1099511627776 bytes, over the limit"),
            ("video.npy without its magic", Hostile.tar(try sample(video: badNpy)), 1, "k: malformed npy: missing \\x93NUMPY magic"),
            ("video.npy header declaring 30 G elements", Hostile.tar(try sample(video: hugeShape)), 1, "needs 29999400003"),
            ("video.npy of complex numbers", Hostile.tar(try sample(video: complexDescr)), 1, "unsupported npy: dtype '<c8'"),
            ("video not square", Hostile.tar(try sample(video: try Hostile.uint8([2, 3, 16, 8]))), 1, "k: video must be [F, 3, S, S]"),
            ("video of odd size", Hostile.tar(try sample(video: try Hostile.uint8([2, 3, 15, 15]))), 1, "even dimensions"),
            ("audio of int16", Hostile.tar(try sample(audio: NpyCoding.encode(try NpyArray(dtype: .int16, shape: [4], data: [UInt8](repeating: 0, count: 8))))),
             1, "k: audio must be float32"),
            ("sample without video.npy", Hostile.tar([(name: "k.json", data: try Hostile.json(["fps": 10]))]), 1, "k: no video.npy in the sample"),
            ("sidecar fps -1", Hostile.tar(try sample(json: ["fps": -1])), 1, "k: json fps -1 is not a number"),
            ("sidecar sample_rate as text", Hostile.tar(try sample(json: ["sample_rate": "16000"])), 1, "k: json sample_rate 16000 is not an integer"),
        ]
        for c in cases {
            let r = try encode(c.input)
            Hostile.assertNoCrash(r, c.kind)
            XCTAssertEqual(r.status, c.status, "\(c.kind)\n\(r.stderr)")
            XCTAssertTrue(r.stderr.contains(c.message), "\(c.kind): expected '\(c.message)'\n\(r.stderr)")
        }
    }

    /// Damage that still encodes: NaN video (clamped), a sidecar that is not JSON (the flags
    /// apply), zero frames (an MP4 without pictures, or an error).
    func testOddButReadableSamplesStillEncodeOrFailCleanly() throws {
        let nanVideo = NpyCoding.encode(try NpyArray(float32: [Float](repeating: .nan, count: 2 * 3 * 16 * 16), shape: [2, 3, 16, 16]))
        var garbage = try sample(json: [:])
        garbage[1].data = Array("{{{ not json".utf8)
        for (kind, tar) in [("NaN video", Hostile.tar(try sample(video: nanVideo))),
                            ("sidecar that is not JSON", Hostile.tar(garbage))] {
            let r = try encode(tar)
            Hostile.assertNoCrash(r, kind)
            XCTAssertEqual(r.status, 0, "\(kind)\n\(r.stderr)")
            XCTAssertGreaterThan(r.stdout.count, 0, kind)
        }
        let empty = try encode(Hostile.tar(try sample(video: try Hostile.uint8([0, 3, 16, 16]))))
        Hostile.assertNoCrash(empty, "zero frames")
        XCTAssertTrue([0, 1].contains(empty.status), empty.stderr)
    }
}
