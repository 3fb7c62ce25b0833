import XCTest
@testable import Tensor

/// First- and second-order finite-difference tests of every primitive.
final class PrimitiveGradientTests: XCTestCase {
    func testUnary() {
        let c = weights([2, 3], seed: 1)
        let cases: [(String, Float, Float, (Tensor) -> Tensor)] = [
            ("neg", 1, 0, { -$0 }), ("exp", 1, 0, { $0.exp() }), ("log", 0.3, 2, { $0.log() }),
            ("sqrt", 0.3, 2, { $0.sqrt() }), ("sigmoid", 2, 0, { $0.sigmoid() }), ("tanh", 1, 0, { $0.tanh() }),
            ("pow3", 1, 0, { $0.pow(3) }), ("pow-1.5", 0.3, 2, { $0.pow(-1.5) }),
        ]
        for (i, (name, scale, shift, op)) in cases.enumerated() {
            let x = randn([2, 3], seed: UInt64(10 + i), scale: scale, shift: shift)
            checkFirstAndSecondOrder([x]) { xs in (op(xs[0]) * c).sum() }
            _ = name
        }
    }

    func testKinkedUnaryAwayFromKink() {
        let x = Tensor(shape: [4], data: [-1.5, -0.3, 0.4, 2], requiresGrad: true)
        let c = weights([4], seed: 2)
        checkFirstAndSecondOrder([x]) { xs in (xs[0].relu() * c).sum() }
        checkFirstAndSecondOrder([x]) { xs in (xs[0].abs() * c).sum() }
        // ReLU at exactly 0 passes no gradient (not half, as max(x, 0) would)
        let z = Tensor(shape: [1], data: [0], requiresGrad: true)
        XCTAssertEqual(gradient(of: z.relu().sum(), wrt: [z])[0].item, 0)
    }

    func testBinaryWithBroadcasting() {
        let shapes: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 3], [3]), ([2, 1, 3], [4, 1]), ([3], [])]
        for (k, (sa, sb)) in shapes.enumerated() {
            let out = broadcastShape(sa, sb)
            let c = weights(out, seed: UInt64(k))
            let a = randn(sa, seed: UInt64(20 + k))
            let b = randn(sb, seed: UInt64(30 + k), scale: 0.3, shift: 1.5)
            checkFirstAndSecondOrder([a, b]) { xs in ((xs[0] + xs[1]) * c).sum() }
            checkFirstAndSecondOrder([a, b]) { xs in ((xs[0] - xs[1]) * c).sum() }
            checkFirstAndSecondOrder([a, b]) { xs in (xs[0] * xs[1] * c).sum() }
            checkFirstAndSecondOrder([a, b]) { xs in (xs[0] / xs[1] * c).sum() }
            checkFirstAndSecondOrder([b, a]) { xs in (xs[1] / xs[0] * c).sum() }
        }
    }

    func testReductions() {
        let x = randn([2, 3, 4], seed: 3)
        for axes in [[0], [1], [2], [0, 2], [0, 1, 2]] {
            let kept = keptShape([2, 3, 4], axes)
            let c = weights(kept, seed: 4)
            checkFirstAndSecondOrder([x]) { xs in (xs[0].sum(axes: axes, keepDims: true) * c).sum() }
            checkFirstAndSecondOrder([x]) { xs in (xs[0].mean(axes: axes, keepDims: true).pow(2) * c).sum() }
            checkFirstAndSecondOrder([x]) { xs in (xs[0].max(axes: axes, keepDims: true) * c).sum() }
        }
        XCTAssertEqual(Tensor(shape: [2, 2], data: [1, 5, 3, 2]).max(axes: [1]).scalars, [5, 3])
    }

    func testShapeOps() {
        let x = randn([2, 3, 4], seed: 5)
        checkFirstAndSecondOrder([x]) { xs in (xs[0].reshape([4, 6]).pow(2) * weights([4, 6], seed: 1)).sum() }
        checkFirstAndSecondOrder([x]) { xs in (xs[0].permute([2, 0, 1]).pow(2) * weights([4, 2, 3], seed: 1)).sum() }
        checkFirstAndSecondOrder([x]) { xs in
            (xs[0].slice(starts: [1, 0, 1], shape: [1, 2, 3]).pow(2) * weights([1, 2, 3], seed: 1)).sum()
        }
        checkFirstAndSecondOrder([x]) { xs in
            (xs[0].pad(before: [0, 1, 2], after: [1, 0, 1]).pow(2) * weights([3, 4, 7], seed: 1)).sum()
        }
        let y = randn([1, 3, 1], seed: 6)
        checkFirstAndSecondOrder([y]) { xs in (xs[0].expand(to: [2, 3, 4]).pow(2) * weights([2, 3, 4], seed: 1)).sum() }
        let z = randn([2, 2, 4], seed: 7)
        checkFirstAndSecondOrder([x, z]) { xs in
            (Tensor.concat([xs[0], xs[1].pow(2)], axis: 1).pow(2) * weights([2, 5, 4], seed: 1)).sum()
        }
        XCTAssertEqual(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6]).permute([1, 0]).scalars, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(Tensor(shape: [1, 2], data: [1, 2]).pad(before: [0, 1], after: [0, 1]).scalars, [0, 1, 2, 0])
    }

    func testMatmulAllTransposes() {
        for ta in [false, true] {
            for tb in [false, true] {
                let a = randn(ta ? [2, 4, 3] : [2, 3, 4], seed: 8)
                let b = randn(tb ? [2, 5, 4] : [2, 4, 5], seed: 9)
                let c = weights([2, 3, 5], seed: 10)
                checkFirstAndSecondOrder([a, b]) { xs in (matmul(xs[0], xs[1], transA: ta, transB: tb).pow(2) * c).sum() }
            }
        }
        let p = Tensor(shape: [2, 2], data: [1, 2, 3, 4]), q = Tensor(shape: [2, 1], data: [5, 6])
        XCTAssertEqual(matmul(p, q).scalars, [17, 39])
    }

    func testTinygradThirdDerivative() {
        // x^3 -> 3x^2 -> 6x -> 6 (tinygrad test_second_order_backward_pass, one more order)
        let x = Tensor(shape: [], data: [2], requiresGrad: true)
        let y = x * x * x
        let d1 = gradient(of: y, wrt: [x], createGraph: true)[0]
        let d2 = gradient(of: d1, wrt: [x], createGraph: true)[0]
        let d3 = gradient(of: d2, wrt: [x])[0]
        XCTAssertEqual(d1.item, 12, accuracy: 1e-5)
        XCTAssertEqual(d2.item, 12, accuracy: 1e-5)
        XCTAssertEqual(d3.item, 6, accuracy: 1e-5)
    }

    func testDetachStopsGradient() {
        let x = Tensor(shape: [2], data: [1, 2], requiresGrad: true)
        let y = (x * x.detach()).sum()
        XCTAssertEqual(gradient(of: y, wrt: [x])[0].scalars, [1, 2])
        let u = Tensor(shape: [1], data: [3], requiresGrad: true)
        XCTAssertEqual(gradient(of: (x * 2).sum(), wrt: [u])[0].scalars, [0])
        XCTAssertFalse(withoutGrad { (x * 2).requiresGrad })
    }
}
