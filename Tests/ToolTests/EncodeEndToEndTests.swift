import Foundation
import XCTest
@testable import MediaIO

/// Runs the built binary's `encode`, alone and in a prep → encode → prep round trip.
final class EncodeEndToEndTests: XCTestCase {
    var fixture: String { Tool.packageRoot.appendingPathComponent("fixtures/sample-clip.mp4").path }

    func firstSample(_ tar: Data) throws -> WebDatasetSample {
        let dir = try Tool.temporaryDirectory(self)
        let path = dir.appendingPathComponent("s.tar").path
        try tar.write(to: URL(fileURLWithPath: path))
        return try XCTUnwrap(try WebDatasetReader(tar: TarReader(source: try ByteSource(path: path))).next())
    }

    /// prep → encode (crf 18) → prep gives back the tensors within documented tolerances:
    /// frames within 7 levels mean absolute error, audio SNR at least 30 dB. Measured: 5.4 levels
    /// and 38.7 dB. The frame error is mostly chroma: yuv420p halves colour resolution, which
    /// costs much at 64x64 on testsrc2's saturated colour edges.
    func testRoundTripThroughMP4() throws {
        let dir = try Tool.temporaryDirectory(self)
        let first = try Tool.run(["prep", "--channel", "first"], stdin: Data("\(fixture)\n".utf8))
        XCTAssertEqual(first.status, 0, first.stderr)
        let tarPath = dir.appendingPathComponent("a.tar")
        try first.stdout.write(to: tarPath)
        let mp4 = dir.appendingPathComponent("a.mp4").path
        let enc = try Tool.run(["encode", "-o", mp4, tarPath.path])
        XCTAssertEqual(enc.status, 0, enc.stderr)
        let second = try Tool.run(["prep"], stdin: Data("\(mp4)\n".utf8))
        XCTAssertEqual(second.status, 0, second.stderr)

        let a = try firstSample(first.stdout), b = try firstSample(second.stdout)
        let va = try NpyCoding.decode(try XCTUnwrap(a.files["video.npy"])).data
        let vb = try NpyCoding.decode(try XCTUnwrap(b.files["video.npy"])).data
        XCTAssertEqual(va.count, vb.count)
        let mae = zip(va, vb).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(va.count)
        XCTAssertLessThan(mae, 7, "frame mean absolute error after H.264 crf 18")
        let aa = try NpyCoding.decode(try XCTUnwrap(a.files["audio.npy"])).floats()
        let ab = try NpyCoding.decode(try XCTUnwrap(b.files["audio.npy"])).floats()
        let signal = aa.reduce(0.0) { $0 + Double($1 * $1) }
        let noise = zip(aa, ab).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
        let snr = 10 * log10(signal / max(noise, 1e-12))
        XCTAssertGreaterThan(snr, 30, "audio SNR after AAC")
        print("round trip: frame MAE \(mae) levels, audio SNR \(snr) dB")
    }

    func testPipeOutputIsFragmentedMP4ThatFFprobeReads() throws {
        let bin = Tool.binary.path
        let dir = try Tool.temporaryDirectory(self)
        let r = try Tool.shell("printf '%s\\n' '\(fixture)' | '\(bin)' prep | '\(bin)' encode --size 128 | cat > '\(dir.path)/p.mp4'; ffprobe -v error -show_entries stream=codec_name,width,height,nb_read_frames -count_frames -of csv=p=0 '\(dir.path)/p.mp4'")
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = String(decoding: r.stdout, as: UTF8.self)
        XCTAssertTrue(out.contains("h264,128,128,16"), out)
        XCTAssertTrue(out.contains("aac"), out)
    }

    func testMissingKeyAndDamagedInputAreErrors() throws {
        let first = try Tool.run(["prep"], stdin: Data("\(fixture)\n".utf8))
        let dir = try Tool.temporaryDirectory(self)
        let missing = try Tool.run(["encode", "--key", "nope", "-o", "\(dir.path)/x.mp4"], stdin: first.stdout)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no sample with key nope"), missing.stderr)
        let damaged = try Tool.run(["encode", "-o", "\(dir.path)/y.mp4"], stdin: first.stdout.prefix(3000))
        XCTAssertNotEqual(damaged.status, 0)
        XCTAssertTrue(damaged.stderr.contains("truncated"), damaged.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "no partial MP4 left behind")

        // An output that cannot be written is fatal (exit 2), not a failed sample (exit 1).
        let full = try Tool.run(["encode", "-o", "/dev/full"], stdin: first.stdout)
        XCTAssertEqual(full.status, 2, full.stderr)
        XCTAssertTrue(full.stderr.contains("No space left on device"), full.stderr)
        let noDir = try Tool.run(["encode", "--out-dir", "\(dir.path)/missing"], stdin: first.stdout)
        XCTAssertEqual(noDir.status, 2, noDir.stderr)
    }
}

/// `encode --sheet` draws a PNG contact sheet that ffprobe reads at the expected size.
final class ContactSheetEndToEndTests: XCTestCase {
    func testSheetOfSynthSamplesIsAPNG() throws {
        let dir = try Tool.temporaryDirectory(self)
        let png = dir.appendingPathComponent("s.png").path
        let bin = Tool.binary.path
        let r = try Tool.shell("'\(bin)' synth --count 3 --seed 5 -q | '\(bin)' encode --sheet '\(png)' --sheet-rows 2; echo status=$?")
        XCTAssertTrue(String(decoding: r.stdout, as: UTF8.self).contains("status=0"), r.stderr)
        XCTAssertTrue(r.stderr.contains("drew the first 2 samples; 1 more"), r.stderr)
        let probe = try Tool.shell("ffprobe -v error -show_entries stream=codec_name,width,height -of csv=p=0 '\(png)'")
        // 16 frames of 64 px enlarged twice; 2 rows of 128 px frames + 96 px waveform + 10 px gap.
        XCTAssertEqual(String(decoding: probe.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines),
                       "png,2048,468")
    }
}
