import XCTest
@testable import Tensor

/// The Winograd 3×3 inference conv against the im2col conv.
final class WinogradTests: XCTestCase {
    func check(batch: Int, cin: Int, cout: Int, h: Int, w: Int) {
        var rng = Xoshiro256(seed: UInt64(batch * 1000 + cin * 100 + h * 10 + w))
        let layer = Conv.conv2d(cin, cout, kernel: 3, padding: 1, rng: &rng)
        let x = Tensor.uniform([batch, cin, h, w], -1, 1, rng: &rng)
        let reference = withoutGrad { layer(x) }
        let before = KernelCounters.shared.count("winograd")
        let fast = withoutGrad { convInference(layer, x) }
        XCTAssertEqual(KernelCounters.shared.count("winograd"), before + 1, "took the Winograd path")
        XCTAssertEqual(fast.shape, reference.shape)
        let a = fast.scalars, b = reference.scalars
        let scale = b.map(abs).max() ?? 1
        var worst: Float = 0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
        XCTAssertLessThan(worst / scale, 1e-5, "batch \(batch) \(cin)->\(cout) \(h)x\(w)")
    }

    func testMatchesIm2colConvOnEvenAndOddSizes() {
        check(batch: 1, cin: 3, cout: 5, h: 8, w: 8)
        check(batch: 3, cin: 7, cout: 4, h: 5, w: 9)
        check(batch: 2, cin: 16, cout: 16, h: 1, w: 1)
        check(batch: 2, cin: 33, cout: 17, h: 31, w: 20)
    }

    func testOtherGeometriesAndTrackedInputsUseTheLayer() {
        var rng = Xoshiro256(seed: 9)
        let strided = Conv(3, 4, kernel: [3, 3], stride: [2, 2], padding: [0, 0], rng: &rng)
        let x = Tensor.uniform([1, 3, 9, 9], -1, 1, rng: &rng)
        let before = KernelCounters.shared.count("winograd")
        XCTAssertEqual(withoutGrad { convInference(strided, x) }.scalars, withoutGrad { strided(x) }.scalars)
        let square = Conv.conv2d(3, 4, kernel: 3, padding: 1, rng: &rng)
        let y = convInference(square, x)   // weights require grad: history is recorded through the layer
        XCTAssertTrue(y.requiresGrad)
        XCTAssertEqual(KernelCounters.shared.count("winograd"), before)
    }
}
