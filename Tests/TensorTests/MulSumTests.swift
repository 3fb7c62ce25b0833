import XCTest
@testable import Tensor

/// The fused multiply-and-reduce primitive.
final class MulSumTests: XCTestCase {
    func testMulSumValuesAndGradients() {
        let a = randn([2, 3, 4], seed: 30), b = randn([2, 3, 4], seed: 31)
        for axes in [[2], [1], [0, 2], [1, 2], [0, 1, 2]] {
            let fused = mulSum(a, b, axes: axes)
            let plain = (a * b).sum(axes: axes, keepDims: true)
            XCTAssertEqual(fused.shape, plain.shape)
            for (x, y) in zip(fused.scalars, plain.scalars) { XCTAssertEqual(x, y, accuracy: 1e-5) }
            let c = weights(plain.shape, seed: 32)
            checkFirstAndSecondOrder([a, b]) { xs in (mulSum(xs[0], xs[1], axes: axes).pow(2) * c).sum() }
        }
    }
}
