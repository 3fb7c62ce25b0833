import Foundation
import XCTest
@testable import MediaIO

/// Regression: BT.709-tagged video was converted with swscale's BT.601 default, so frames
/// differed from the ffmpeg CLI (whose scale filter uses the stream's matrix) and AV-Align's
/// gray frames differed from OpenCV's (found on the lego clip of get-debian-clips.sh).
final class ColorspaceRegressionTests: XCTestCase {
    func testBT709ClipFramesMatchFFmpegScale() throws {
        let dir = try Tool.temporaryDirectory(self)
        let clip = dir.appendingPathComponent("bt709.mp4").path
        let make = try Tool.shell("""
            ffmpeg -v error -f lavfi -i testsrc2=size=160x96:rate=10:duration=1.6 -f lavfi -i sine=duration=1.6 \
            -c:v libx264 -crf 10 -pix_fmt yuv420p -colorspace bt709 -color_primaries bt709 -color_trc bt709 \
            -c:a aac -shortest '\(clip)'
            """)
        XCTAssertEqual(make.status, 0, make.stderr)
        let reference = try Tool.shell("""
            ffmpeg -v error -i '\(clip)' -vf "fps=10,scale=64:64:force_original_aspect_ratio=decrease:flags=bicubic,\
            pad=64:64:(ow-iw)/2:(oh-ih)/2" -frames:v 16 -pix_fmt rgb24 -f rawvideo -
            """)
        XCTAssertEqual(reference.status, 0, reference.stderr)
        let prep = try Tool.run(["prep"], stdin: Data("\(clip)\n".utf8))
        XCTAssertEqual(prep.status, 0, prep.stderr)
        let tar = dir.appendingPathComponent("t.tar").path
        try prep.stdout.write(to: URL(fileURLWithPath: tar))
        let sample = try XCTUnwrap(try WebDatasetReader(tar: TarReader(source: try ByteSource(path: tar))).next())
        let planar = try NpyCoding.decode(try XCTUnwrap(sample.files["video.npy"])).data
        let ref = [UInt8](reference.stdout)
        XCTAssertEqual(ref.count, planar.count)
        let plane = 64 * 64
        var worst = 0.0
        for k in 0..<16 {
            var sum = 0
            for p in 0..<plane {
                for c in 0..<3 {
                    sum += abs(Int(planar[k * 3 * plane + c * plane + p]) - Int(ref[(k * plane + p) * 3 + c]))
                }
            }
            worst = max(worst, Double(sum) / Double(3 * plane))
        }
        XCTAssertLessThanOrEqual(worst, 1, "mean absolute difference per frame against ffmpeg's scale filter")
    }
}
