import XCTest
@testable import Tensor

/// Convolution values against a direct loop, and first/second-order finite-difference tests.
final class ConvGradientTests: XCTestCase {
    /// Direct evaluation of y[b, o, p] = sum_{c, q} w[o, c, q] x[b, c, p*s - pad + q*d] for 1-D.
    func naiveConv1d(_ x: Tensor, _ w: Tensor, stride: Int, pad: Int, dil: Int) -> [Float] {
        let (b, ci, l) = (x.shape[0], x.shape[1], x.shape[2]), (co, k) = (w.shape[0], w.shape[2])
        let lo = (l + 2 * pad - dil * (k - 1) - 1) / stride + 1
        let xs = x.scalars, ws = w.scalars
        var out = [Float](repeating: 0, count: b * co * lo)
        for n in 0..<b { for o in 0..<co { for p in 0..<lo {
            var acc: Float = 0
            for c in 0..<ci { for q in 0..<k {
                let i = p * stride - pad + q * dil
                if i >= 0 && i < l { acc += ws[(o * ci + c) * k + q] * xs[(n * ci + c) * l + i] }
            } }
            out[(n * co + o) * lo + p] = acc
        } } }
        return out
    }

    func testConv1dMatchesDirectLoop() {
        let x = randn([2, 3, 11], seed: 1), w = randn([4, 3, 3], seed: 2)
        for (s, p, d) in [(1, 1, 1), (2, 1, 1), (1, 2, 2), (3, 0, 2), (1, 3, 1), (1, 0, 4)] {
            let y = conv(x, w, ConvGeometry(kernel: [3], stride: [s], padding: [p], dilation: [d]))
            let ref = naiveConv1d(x, w, stride: s, pad: p, dil: d)
            XCTAssertEqual(y.count, ref.count)
            for (a, b) in zip(y.scalars, ref) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
    }

    func testConv1dGradients() {
        let x = randn([2, 2, 7], seed: 3), w = randn([3, 2, 3], seed: 4)
        for geo in [ConvGeometry(kernel: [3], padding: [1]), ConvGeometry(kernel: [3], stride: [2], padding: [2], dilation: [2])] {
            let out = geo.outputSize([7])
            let c = weights([2, 3] + out, seed: 5)
            // f(x, w) = sum(c * conv(x, w)^2): second order covers conv, convData and convWeight
            checkFirstAndSecondOrder([x, w]) { xs in (conv(xs[0], xs[1], geo).pow(2) * c).sum() }
            checkFirstAndSecondOrder([w, x]) { xs in (conv(xs[1], xs[0], geo).pow(2) * c).sum() }
        }
    }

    func testConv2dAndPointwiseGradients() {
        let x = randn([2, 2, 5, 4], seed: 6), w = randn([3, 2, 3, 3], seed: 7)
        let geo = ConvGeometry(kernel: [3, 3], padding: [1, 1])
        let c = weights([2, 3, 5, 4], seed: 8)
        checkFirstAndSecondOrder([x, w]) { xs in (conv(xs[0], xs[1], geo).pow(2) * c).sum() }
        let w1 = randn([3, 2, 1, 1], seed: 9)
        let g1 = ConvGeometry(kernel: [1, 1])
        checkFirstAndSecondOrder([x, w1]) { xs in (conv(xs[0], xs[1], g1).pow(2) * c).sum() }
    }

    func testVideoConvKernelsGradients() {
        // 2d+1d as conv3d kernels (1,3,3) then (3,1,1) on [B, C, F, H, W]
        let x = randn([1, 2, 3, 4, 4], seed: 10)
        let ws = randn([2, 2, 1, 3, 3], seed: 11), wt = randn([2, 2, 3, 1, 1], seed: 12)
        let gs = ConvGeometry(kernel: [1, 3, 3], padding: [0, 1, 1]), gt = ConvGeometry(kernel: [3, 1, 1], padding: [1, 0, 0])
        let c = weights([1, 2, 3, 4, 4], seed: 13)
        checkFirstAndSecondOrder([x, ws, wt]) { xs in (conv(conv(xs[0], xs[1], gs), xs[2], gt).pow(2) * c).sum() }
    }

    func testAvgPoolAndNorms() {
        let x = randn([2, 4, 3, 4], seed: 14)
        checkFirstAndSecondOrder([x]) { xs in (xs[0].avgPool([1, 2]).pow(2) * weights([2, 4, 3, 2], seed: 1)).sum() }
        let gw = randn([4], seed: 15), gb = randn([4], seed: 16)
        let c = weights([2, 4, 3, 4], seed: 17)
        checkFirstAndSecondOrder([x, gw, gb], atol: 2e-2, rtol: 2e-2) { xs in
            (groupNorm(xs[0], groups: 2, weight: xs[1], bias: xs[2]) * c).sum()
        }
        checkFirstAndSecondOrder([x], atol: 2e-2, rtol: 2e-2) { xs in (groupNorm(xs[0], groups: 2).pow(2) * c).sum() }
        let y = randn([3, 5], seed: 18)
        checkFirstAndSecondOrder([y], atol: 2e-2, rtol: 2e-2) { xs in (layerNorm(xs[0]) * weights([3, 5], seed: 2)).sum() }
    }

    func testStableComposites() {
        let x = randn([6], seed: 19, scale: 3)
        let c = weights([6], seed: 20)
        checkFirstAndSecondOrder([x]) { xs in (xs[0].silu() * c).sum() }
        checkFirstAndSecondOrder([x]) { xs in (xs[0].softplus() * c).sum() }
        checkFirstAndSecondOrder([x]) { xs in (xs[0].logSigmoid() * c).sum() }
        let y = Tensor(shape: [6], data: [1, 0, 1, 1, 0, 0])
        checkFirstAndSecondOrder([x]) { xs in binaryCrossEntropyWithLogits(xs[0], y) }
        checkFirstAndSecondOrder([x]) { xs in meanSquaredError(xs[0], c) }
        // no overflow at extreme logits
        let big = Tensor(shape: [2], data: [-200, 200])
        XCTAssertEqual(big.softplus().scalars, [0, 200])
        XCTAssertEqual(big.logSigmoid().scalars, [-200, 0])
        XCTAssertEqual(binaryCrossEntropyWithLogits(big, Tensor(shape: [2], data: [0, 1])).item, 0)
    }
}
