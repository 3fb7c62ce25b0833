import XCTest
@testable import Tensor

/// Adam, clipping and the PRNG.
final class OptimTests: XCTestCase {
    func testAdamMatchesHandComputedSteps() {
        let p = Tensor(shape: [2], data: [1, -1], requiresGrad: true)
        let opt = Adam([p], lr: 0.1)
        // first step of Adam moves each coordinate by lr * sign(g) (up to eps)
        opt.update([Tensor(shape: [2], data: [0.5, -3])])
        XCTAssertEqual(p.scalars[0], 0.9, accuracy: 1e-6)
        XCTAssertEqual(p.scalars[1], -0.9, accuracy: 1e-6)
        // second step with the same gradient: m̂ = g, v̂ = g², again lr * sign(g)
        opt.update([Tensor(shape: [2], data: [0.5, -3])])
        XCTAssertEqual(p.scalars[0], 0.8, accuracy: 1e-5)
    }

    /// The eight-lane update gives bit for bit the scalar formula (19 elements: two vectors
    /// and a scalar tail), over several steps.
    func testAdamLanesEqualTheScalarFormula() {
        var rng = Xoshiro256(seed: 5)
        let start = Tensor.randn([19], rng: &rng).scalars
        let p = Tensor(shape: [19], data: start, requiresGrad: true)
        let opt = Adam([p], lr: 0.01)
        var q = start, m = [Float](repeating: 0, count: 19), v = m
        for step in 1...5 {
            let g = Tensor.randn([19], rng: &rng)
            opt.update([g])
            let gs = g.scalars
            var d1 = 1.0, d2 = 1.0
            for _ in 0..<step { d1 *= Double(Float(0.9)); d2 *= Double(Float(0.999)) }
            let bc1 = 1 - Float(d1), bc2 = 1 - Float(d2)
            let stepSize: Float = 0.01 / bc1, bc2Sqrt = bc2.squareRoot()
            for i in 0..<19 {
                m[i] = 0.9 * m[i] + (1 - 0.9) * gs[i]
                v[i] = 0.999 * v[i] + (1 - 0.999) * gs[i] * gs[i]
                q[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + 1e-8)
            }
            XCTAssertEqual(p.scalars, q, "step \(step)")
        }
    }

    func testAdamWDecay() {
        let p = Tensor(shape: [1], data: [2], requiresGrad: true)
        let opt = Adam([p], lr: 0.1, weightDecay: 0.5, decoupled: true)
        opt.update([Tensor(shape: [1], data: [0])])
        XCTAssertEqual(p.item, 2 * (1 - 0.05), accuracy: 1e-6)
    }

    func testAdamMinimisesQuadratic() {
        let p = Tensor(shape: [3], data: [3, -2, 1], requiresGrad: true)
        let opt = Adam([p], lr: 0.05)
        for _ in 0..<400 {
            let loss = (p * p).sum()
            opt.update(gradient(of: loss, wrt: [p]))
        }
        XCTAssertLessThan(p.scalars.map(Swift.abs).max() ?? 1, 0.05)
    }

    func testClipGradientNorm() {
        let (g, n) = clipGradientNorm([Tensor(shape: [2], data: [3, 4]), Tensor(shape: [1], data: [0])], maxNorm: 1)
        XCTAssertEqual(n, 5, accuracy: 1e-6)
        XCTAssertEqual(g[0].scalars[0], 0.6, accuracy: 1e-5)
        XCTAssertEqual(clipGradientNorm([Tensor(shape: [1], data: [0.5])], maxNorm: 1).0[0].item, 0.5)
    }

    func testRNGIsReproducibleAndPlausible() {
        var a = Xoshiro256(seed: 42), b = Xoshiro256(seed: 42)
        XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
        var r = Xoshiro256(seed: 1)
        let z = (0..<20000).map { _ in Double(r.normal()) }
        let mean = z.reduce(0, +) / Double(z.count)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(z.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
        let u = (0..<1000).map { _ in r.uniform() }
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
    }
}
