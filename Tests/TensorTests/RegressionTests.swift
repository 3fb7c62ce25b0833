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

/// Gradient API corners: seeds, intermediate targets, unreachable targets, lazy broadcasts at the end.
final class GradientAPITests: XCTestCase {
    func testSeedIntermediateTargetAndBroadcastResult() {
        let x = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6], requiresGrad: true)
        let h = x * 2
        let y = h.sum(axes: [1])                           // [2]
        let seed = Tensor(shape: [2], data: [1, 10])
        let gs = gradient(of: y, wrt: [h, x], seed: seed)
        XCTAssertEqual(gs[0].shape, [2, 3])               // lazily broadcast gradient expanded at the end
        XCTAssertEqual(gs[0].scalars, [1, 1, 1, 10, 10, 10])
        XCTAssertEqual(gs[1].scalars, [2, 2, 2, 20, 20, 20])
        let b = Tensor(shape: [3], data: [0, 0, 0], requiresGrad: true)
        let gb = gradient(of: (x + b).mean(), wrt: [b])[0]
        XCTAssertEqual(gb.shape, [3])
        for v in gb.scalars { XCTAssertEqual(v, 2.0 / 6.0, accuracy: 1e-6) }
    }
}
