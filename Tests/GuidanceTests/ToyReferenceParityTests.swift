import Foundation
import Tensor
import XCTest
@testable import Guidance

/// `ToyMLP` against the reference PyTorch `AdaMLP` of `toy_torch.py`, with every parameter
/// set by formula (parameter k in state_dict order, flat index j: `0.2 sin(0.7 j + 0.3 k)`).
///
/// Golden numbers made with PyTorch 2.15 (float32) by:
///
///     import math, sys, torch; sys.path.insert(0, "/work/shared/reference"); import toy_torch as R
///     def fill(m):
///         with torch.no_grad():
///             for k, (name, p) in enumerate(m.named_parameters()):
///                 v = torch.tensor([0.2 * math.sin(0.7 * j + 0.3 * k) for j in range(p.numel())],
///                                  dtype=torch.float64)
///                 p.copy_(v.reshape(p.shape).float())
///         return m
///     for din, widths, tdim in [(1, [16, 64, 256, 64, 16], 256), (2, [64, 32, 8], 64)]:
///         m = fill(R.AdaMLP(din, widths, tdim))
///         x = torch.tensor([[-2.5, 0.3][:din], [0.0, 1.7][:din], [1.2, -3.0][:din], [3.1, 2.2][:din]],
///                          requires_grad=True)
///         h = m(x, torch.tensor([0, 17, 250, 499]))
///         g = torch.autograd.grad((R.logit_e(h) if din == 2 else h).sum(), x)[0]
///         print(h.flatten().tolist(), g.flatten().tolist())
final class ToyReferenceParityTests: XCTestCase {
    let steps = [0, 17, 250, 499]

    func filled(_ m: ToyMLP) -> ToyMLP {
        for (k, (_, p)) in m.namedParameters().enumerated() {
            p.withUnsafeMutableBufferPointer { v in
                for j in v.indices { v[j] = Float(0.2 * sin(0.7 * Double(j) + 0.3 * Double(k))) }
            }
        }
        return m
    }

    func assertClose(_ a: [Double], _ b: [Double], _ what: String) {
        XCTAssertEqual(a.count, b.count)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 2e-6 + 1e-4 * abs(y), what) }
    }

    func testBaseModelMatchesPyTorch() throws {
        var rng = Xoshiro256(seed: 0)
        let net = filled(ToyMLP.base(rng: &rng))
        let base = try ToyBaseModel(net)
        let x: [Float] = [-2.5, 0.0, 1.2, 3.1]
        // The same step for all four through the NoisePredictor interface...
        let eps0 = try base.predictNoise(Batch(shape: [4, 1], values: x), step: 0, condition: nil)
        XCTAssertEqual(Double(eps0.values[0]), 0.05553664267063141, accuracy: 2e-6)
        // ...and per-row steps through the network, with the input-gradient of sum(h).
        let xt = Tensor(shape: [4, 1], data: x).requiringGrad()
        let (h, g) = GradMode.with(enabled: true) { () -> ([Float], [Float]) in
            let h = net(xt, steps)
            return (h.scalars, gradient(of: h.sum(), wrt: [xt])[0].scalars)
        }
        assertClose(h.map(Double.init), [0.05553664267063141, 0.013276949524879456, 0.014584019780158997,
                                         0.01570744812488556], "h")
        assertClose(g.map(Double.init), [-0.0014797965995967388, -0.007451143581420183, -0.000677029718644917,
                                         -0.00013078527990728617], "dh/dx")
    }

    func testDiscriminatorAndStableLogitGradientMatchPyTorch() throws {
        var rng = Xoshiro256(seed: 0)
        let net = filled(ToyMLP.discriminator(rng: &rng))
        let xs: [Float] = [-2.5, 0.3, 0.0, 1.7, 1.2, -3.0, 3.1, 2.2]
        let expectedH = [0.19331669807434082, 0.19020456075668335, 0.4449407756328583, 0.7123615741729736]
        let expectedG = [-0.0842854306101799, -0.11142460256814957, 0.04740212857723236, -0.12128754705190659,
                         -0.13061535358428955, -0.205869659781456, -0.03190760686993599, -0.013636811636388302]
        // Per row: ToyDiscriminator's dh/d(x, y) times Guidance's stable-logit derivative is
        // the reference's d(sum logit_e(h))/d(x, y).
        let d = try ToyDiscriminator(net)
        for (b, step) in steps.enumerated() {
            let out = try d.logitsAndGradients([Batch(shape: [1, 1], values: [xs[2 * b]]),
                                                Batch(shape: [1, 1], values: [xs[2 * b + 1]])], step: step, condition: nil)
            assertClose(out.logits, [expectedH[b]], "h")
            let f = LogitTransform.released.derivative(out.logits[0])
            assertClose([f * Double(out.gradients[0].values[0]), f * Double(out.gradients[1].values[0])],
                        [expectedG[2 * b], expectedG[2 * b + 1]], "d logit_e / d(x, y)")
        }
    }
}
