import XCTest
@testable import Guidance

/// Exact Gaussian-mixture answers: scores, noise predictors and the optimal discriminator.
final class AnalyticTests: XCTestCase {
    let schedule = NoiseSchedule.toy()

    func testMixtureLogDensityAndScoreOfOneGaussian() throws {
        let g = try GaussianMixture(means: [[1, -2]], std: 0.5)
        let (lp, score) = g.logDensityAndScore([2.0, -2.5])
        // log N(x; mu, s^2 I) in 2-D = -log(2 pi s^2) - |x - mu|^2 / (2 s^2), score = (mu - x) / s^2
        XCTAssertEqual(lp, -log(2 * Double.pi * 0.25) - 1.25 / 0.5, accuracy: 1e-12)
        XCTAssertEqual(score[0], -4, accuracy: 1e-12)
        XCTAssertEqual(score[1], 2, accuracy: 1e-12)
        let n = g.noisy(alpha: 0.6, sigma: 0.8)
        XCTAssertEqual(n.means[0], [0.6, -1.2])
        XCTAssertEqual(n.stds[0], (0.36 * 0.25 + 0.64).squareRoot(), accuracy: 1e-15)
    }

    func testMixtureScoreMatchesFiniteDifferences() throws {
        let q = ToyData.outOfDomain.noisy(alpha: 0.9, sigma: 0.3)
        var rng = SeededRNG(seed: 1)
        for _ in 0..<50 {
            let x = [rng.nextUniform() * 8 - 4, rng.nextUniform() * 8 - 4]
            let score = q.logDensityAndScore(x).score
            for i in 0..<2 {
                var xp = x, xm = x
                xp[i] += 1e-5
                xm[i] -= 1e-5
                let fd = (q.logDensity(xp) - q.logDensity(xm)) / 2e-5
                XCTAssertEqual(score[i], fd, accuracy: 1e-5 * max(1, abs(fd)))
            }
        }
    }

    func testMixtureSamplesHaveTheRightMoments() throws {
        var rng = SeededRNG(seed: 3)
        let x = ToyData.base.sample(count: 4000, using: &rng)
        let mean = x.values.map(Double.init).reduce(0, +) / 4000
        // Var = mean of mu^2 (= 4.5) + 0.01; sd of the mean = sqrt(4.51 / 4000) = 0.034.
        let variance = x.values.map { Double($0) * Double($0) }.reduce(0, +) / 4000 - mean * mean
        XCTAssertEqual(mean, 0, accuracy: 0.14)
        XCTAssertEqual(variance, 4.51, accuracy: 0.3)
        let cov = try ModeCoverage(samples: x, means: ToyData.baseMeans)
        XCTAssertGreaterThan(cov.onTargetFraction, 0.99)
    }

    func testNoisePredictorOfOneGaussianIsClosedForm() throws {
        // p_0 = N(mu, s^2): eps*(x) = sigma (x - alpha mu) / (alpha^2 s^2 + sigma^2).
        let g = try GaussianMixture(means: [[0.7]], std: 0.5)
        let p = GaussianMixturePredictor(mixture: g, schedule: schedule)
        let x = try Batch(shape: [3, 1], values: [-1, 0.2, 2])
        for step in [0, 100, 499] {
            let a = schedule.alpha(step), s = schedule.sigma(step)
            let eps = try p.predictNoise(x, step: step, condition: nil)
            for b in 0..<3 {
                let expected = s * (Double(x.values[b]) - a * 0.7) / (a * a * 0.25 + s * s)
                XCTAssertEqual(Double(eps.values[b]), expected, accuracy: 1e-6 * max(1, abs(expected)))
            }
        }
        XCTAssertThrowsError(try p.predictNoise(Batch(shape: [3, 2]), step: 0, condition: nil))
        XCTAssertThrowsError(try p.predictNoise(x, step: 500, condition: nil))
    }

    func testOptimalDiscriminatorLogitAndGradient() throws {
        let p = GaussianMixturePredictor(mixture: ToyData.base, schedule: schedule)
        let q = GaussianMixturePredictor(mixture: ToyData.outOfDomain, schedule: schedule)
        let d = try OptimalDiscriminator(joint: ToyData.outOfDomain, marginals: [ToyData.base, ToyData.base],
                                         schedule: schedule)
        var rng = SeededRNG(seed: 2)
        let n = 40
        let x = try Batch(shape: [n, 1], values: (0..<n).map { _ in Float(rng.nextUniform() * 7 - 3.5) })
        let y = try Batch(shape: [n, 1], values: (0..<n).map { _ in Float(rng.nextUniform() * 7 - 3.5) })
        for step in [3, 60, 300] {
            let out = try d.logitsAndGradients([x, y], step: step, condition: nil)
            let lq = try q.logDensities(pairs(x, y), step: step)
            let lx = try p.logDensities(x, step: step), ly = try p.logDensities(y, step: step)
            for b in 0..<n {
                // h* = log q_t(x, y) - log p_t(x) - log p_t(y)
                XCTAssertEqual(out.logits[b], lq[b] - lx[b] - ly[b], accuracy: 1e-9 * max(1, abs(out.logits[b])))
                // dh*/dx by central differences of the exact logit (in Double).
                let qt = ToyData.outOfDomain.noisy(alpha: schedule.alpha(step), sigma: schedule.sigma(step))
                let pt = ToyData.base.noisy(alpha: schedule.alpha(step), sigma: schedule.sigma(step))
                func h(_ u: Double, _ v: Double) -> Double { qt.logDensity([u, v]) - pt.logDensity([u]) - pt.logDensity([v]) }
                let u = Double(x.values[b]), v = Double(y.values[b]), e = 1e-6
                let fdx = (h(u + e, v) - h(u - e, v)) / (2 * e)
                let fdy = (h(u, v + e) - h(u, v - e)) / (2 * e)
                XCTAssertEqual(Double(out.gradients[0].values[b]), fdx, accuracy: 1e-4 * max(1, abs(fdx)))
                XCTAssertEqual(Double(out.gradients[1].values[b]), fdy, accuracy: 1e-4 * max(1, abs(fdy)))
            }
        }
    }

    /// With D* and the identity transform, `eps_p - sigma grad(log q - log p) = eps_q` exactly.
    func testJointGuidanceWithOptimalDiscriminatorGivesTheJointNoise() throws {
        for target in [ToyData.inDomain, ToyData.outOfDomain] {
            let p = GaussianMixturePredictor(mixture: ToyData.base, schedule: schedule)
            let q = GaussianMixturePredictor(mixture: target, schedule: schedule)
            let d = try OptimalDiscriminator(joint: target, marginals: [ToyData.base, ToyData.base], schedule: schedule)
            let joint = try JointGuidance(base: IndependentModalities([p, p]), discriminator: d,
                                          schedules: [schedule, schedule], scales: [1, 1], transform: .identity)
            var rng = SeededRNG(seed: 5)
            let n = 200
            let x = try Batch(shape: [n, 1], values: (0..<n).map { _ in Float(rng.nextUniform() * 8 - 4) })
            let y = try Batch(shape: [n, 1], values: (0..<n).map { _ in Float(rng.nextUniform() * 8 - 4) })
            for step in [0, 1, 10, 100, 250, 499] {
                let eps = try joint.predictNoise([x, y], step: step, condition: nil)
                let epsQ = try q.predictNoise(pairs(x, y), step: step, condition: nil)
                let epsJoint = pairs(eps[0], eps[1])
                XCTAssertLessThan(maxAbsDifference(epsJoint.values, epsQ.values), 1e-4, "step \(step)")
                // And the base alone is not the joint (until the noise swamps both): the
                // identity is not vacuous.
                if step <= 100 {
                    let epsBase = try IndependentModalities([p, p]).predictNoise([x, y], step: step, condition: nil)
                    XCTAssertGreaterThan(maxAbsDifference(pairs(epsBase[0], epsBase[1]).values, epsQ.values), 0.1)
                }
            }
        }
    }

    func testStableLogitTransformAndItsDerivative() {
        let t = LogitTransform.released
        XCTAssertEqual(t, .stable(epsilon: 1e-5))
        XCTAssertEqual(t.value(0), 0, accuracy: 1e-15)
        // Saturates at log((1 + eps) / eps) = 11.5129...
        XCTAssertEqual(t.value(60), log((1 + 1e-5) / 1e-5), accuracy: 1e-9)
        XCTAssertEqual(t.value(-60), -log((1 + 1e-5) / 1e-5), accuracy: 1e-9)
        // Close to h for moderate logits.
        XCTAssertEqual(t.value(3), 3, accuracy: 1e-3)
        for h in [-14.0, -6, -1.5, 0, 0.3, 2, 9, 15] {
            let e = 1e-6
            let fd = (t.value(h + e) - t.value(h - e)) / (2 * e)
            XCTAssertEqual(t.derivative(h), fd, accuracy: 1e-6, "h = \(h)")
        }
        XCTAssertEqual(t.derivative(0), 0.25 * 2 / (0.5 + 1e-5), accuracy: 1e-12)
        XCTAssertEqual(LogitTransform.identity.derivative(123), 1)
    }
}
