import XCTest
@testable import Tensor

/// Second-order gradients through small networks: d/dθ ||∇_x f(x; θ)||², as in L_dsm.
final class NetworkGradientTests: XCTestCase {
    func testMLPInputGradientNormWeightGradient() {
        var rng = Xoshiro256(seed: 3)
        let l1 = Linear(2, 5, rng: &rng), l2 = Linear(5, 4, rng: &rng), out = Linear(4, 1, rng: &rng)
        let ln = LayerNorm(5, affine: false)
        let x = randn([3, 2], seed: 4)
        let params = [x] + l1.parameters() + l2.parameters() + out.parameters()
        func f(_ x: Tensor) -> Tensor { out(l2(ln(l1(x)).silu()).tanh()).logSigmoid().sum() }
        checkGradients(params, atol: 2e-2, rtol: 2e-2) { xs in
            let g = gradient(of: f(xs[0]), wrt: [xs[0]], createGraph: true)[0]
            return (g * g).sum()
        }
    }

    func testConvNetInputGradientNormWeightGradient() {
        var rng = Xoshiro256(seed: 5)
        let c1 = Conv.conv1d(1, 4, kernel: 3, padding: 2, dilation: 2, rng: &rng)
        let gn = GroupNorm(groups: 2, channels: 4)
        let c2 = Conv.conv1d(4, 2, kernel: 1, rng: &rng)
        let x = randn([2, 1, 8], seed: 6)
        let params = [x] + c1.parameters() + c2.parameters()
        func f(_ x: Tensor) -> Tensor { c2(gn(c1(x)).silu()).avgPool([2]).mean(axes: [1, 2]).sum() }
        checkGradients(params, atol: 2e-2, rtol: 2e-2) { xs in
            let g = gradient(of: f(xs[0]), wrt: [xs[0]], createGraph: true)[0]
            return (g * g).sum()
        }
    }

    func testVideoConvAndAdaptiveLayers() {
        var rng = Xoshiro256(seed: 7)
        let vc = VideoConv(2, 2, rng: &rng)
        let temb = TimestepEmbedding(dim: 4, rng: &rng)
        let ada = AdaptiveScaleShift(embeddingDim: 4, channels: 2, rng: &rng)
        let x = randn([1, 2, 2, 3, 3], seed: 8)
        let params = [x] + vc.parameters() + ada.parameters()
        checkGradients(params, atol: 2e-2, rtol: 2e-2) { xs in
            let h = ada(groupNorm(vc(xs[0]), groups: 1), temb([3]).silu())
            let g = gradient(of: h.silu().sum(), wrt: [xs[0]], createGraph: true)[0]
            return (g * g).sum()
        }
        XCTAssertEqual(vc.namedParameters().map(\.0), ["c2.weight", "c2.bias", "c1.weight", "c1.bias"])
        XCTAssertEqual(vc.spatial.weight.shape, [2, 2, 1, 3, 3])
    }

    func testSinusoidalEmbeddingAndInit() {
        let e = sinusoidalEmbedding([0, 2], dim: 4)
        // freqs exp(-ln(1e4) i / 1) for i = 0, 1 -> [1, 1e-4]
        XCTAssertEqual(e.scalars[0...3].map { $0 }, [0, 0, 1, 1])
        XCTAssertEqual(e.scalars[4], sin(2), accuracy: 1e-6)
        XCTAssertEqual(e.scalars[5], sin(2e-4), accuracy: 1e-8)
        var rng = Xoshiro256(seed: 9)
        let l = Linear(16, 8, rng: &rng)
        XCTAssertTrue(l.weight.scalars.allSatisfy { Swift.abs($0) <= 0.25 })
        XCTAssertTrue(Conv.conv1d(2, 2, kernel: 1, zeroInit: true, rng: &rng).weight.scalars.allSatisfy { $0 == 0 })
    }

    func testInputGradientSkipsWeightGradients() {
        // An input-gradient runs one convData per conv and no convWeight (pruned by reachability);
        // a weight-gradient runs convWeight for the weight and convData only where needed.
        var rng = Xoshiro256(seed: 10)
        let c1 = Conv.conv1d(1, 2, kernel: 3, padding: 1, rng: &rng), c2 = Conv.conv1d(2, 2, kernel: 3, padding: 1, rng: &rng)
        let x = randn([1, 1, 5], seed: 11)
        let y = c2(c1(x).silu()).sum()
        let counters = KernelCounters.shared
        let (d0, w0) = (counters.count("convData"), counters.count("convWeight"))
        let g = gradient(of: y, wrt: [x])[0]
        XCTAssertEqual(g.shape, [1, 1, 5])
        XCTAssertFalse(g.requiresGrad)
        XCTAssertEqual(counters.count("convData") - d0, 2)
        XCTAssertEqual(counters.count("convWeight") - w0, 0)
        let (d1, w1) = (counters.count("convData"), counters.count("convWeight"))
        _ = gradient(of: y, wrt: [c2.weight])
        XCTAssertEqual(counters.count("convData") - d1, 0)
        XCTAssertEqual(counters.count("convWeight") - w1, 1)
    }
}
