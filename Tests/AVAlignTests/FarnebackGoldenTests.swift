import XCTest
@testable import AVAlign

/// Farneback flow against OpenCV 5.0.0 on the synthetic 128×128 clip.
final class FarnebackGoldenTests: XCTestCase {
    func testFlowFrames6To7MatchesOpenCV() throws {
        let golden = try Golden.floats("flow_f6_f7_128x128x2.f32")
        let a = try Golden.grayFrame(6), b = try Golden.grayFrame(7)
        let flow = Farneback.flow(from: a, to: b, width: 128, height: 128)
        XCTAssertEqual(flow.count, golden.count)
        var maxErr: Float = 0
        for i in 0..<flow.count { maxErr = max(maxErr, abs(flow[i] - golden[i])) }
        print("max flow error f6->f7: \(maxErr)")
        XCTAssertLessThanOrEqual(maxErr, 1e-3)
        let extra = try Golden.json("golden_extra.json")
        let mag = try XCTUnwrap(extra["flow_f6_f7_mean_mag"] as? Double)
        let ours = Farneback.meanMagnitude(flow)
        print("mean magnitude: ours \(ours) reference \(mag)")
        XCTAssertEqual(ours, mag, accuracy: 1e-4 * mag)
    }
}
