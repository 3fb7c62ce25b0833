import Foundation
import XCTest
@testable import Tensor

/// Accuracy of the vectorised exp against libm, and saturation of sigmoid and tanh.
final class FastExpTests: XCTestCase {
    func testFastExpAccuracyAndLimits() {
        var x: Float = -103
        while x < 88.7 {
            let ref = Foundation.exp(Double(x))
            let got = Double(fastExp(x))
            // relative 4e-7 (about 3 ulp) for normal results
            if ref > 1e-37 { XCTAssertEqual(got, ref, accuracy: 4e-7 * ref, "x = \(x)") }
            x += 0.0137
        }
        XCTAssertEqual(fastExp(0), 1)
        XCTAssertEqual(fastExp(200), .infinity)
        XCTAssertEqual(fastExp(-200), 0)
        XCTAssertTrue(fastExp(.nan).isNaN)
        XCTAssertEqual(Tensor(shape: [2], data: [-1000, 1000]).sigmoid().scalars, [0, 1])
        XCTAssertEqual(Tensor(shape: [2], data: [-50, 50]).tanh().scalars, [-1, 1])
    }
}
