import XCTest
@testable import Tensor

/// Regression tests named after the bugs they pin.
final class RegressionTests: XCTestCase {
    /// A lazily broadcast gradient (from a mean) reaching a broadcast operand (a bias) must be
    /// summed over the broadcast positions, not taken once (bias gradients were off by F·H·W).
    func testLazyBroadcastGradientIntoBiasIsScaled() {
        let x = randn([2, 3, 4], seed: 1)
        let b = randn([3, 1], seed: 2)
        checkFirstAndSecondOrder([b, x]) { xs in ((xs[1] + xs[0]).mean(axes: [2]).pow(2)).sum() }
        checkGradients([b]) { xs in (Tensor.ones([2, 3, 4]) * xs[0]).mean() }
        let g = gradient(of: (x + b).mean(), wrt: [b])[0]
        for v in g.scalars { XCTAssertEqual(v, 8.0 / 24.0, accuracy: 1e-6) }
    }
}
