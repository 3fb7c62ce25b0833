import XCTest
@testable import Guidance

final class ScheduleTests: XCTestCase {
    func testLinearScheduleMatchesHandComputedValues() throws {
        let s = try NoiseSchedule.linear(steps: 500, betaStart: 1e-4, betaEnd: 0.02)
        XCTAssertEqual(s.steps, 500)
        XCTAssertEqual(s.betas[0], 1e-4, accuracy: 1e-15)
        // beta_1 = 1e-4 + (0.02 - 1e-4) / 499
        XCTAssertEqual(s.betas[1], 1e-4 + 0.0199 / 499, accuracy: 1e-15)
        XCTAssertEqual(s.betas[499], 0.02, accuracy: 1e-15)
        // abar_0 = 1 - beta_0, abar_1 = abar_0 (1 - beta_1)
        XCTAssertEqual(s.alphaBars[0], 0.9999, accuracy: 1e-15)
        XCTAssertEqual(s.alphaBars[1], 0.9999 * (1 - (1e-4 + 0.0199 / 499)), accuracy: 1e-15)
        XCTAssertEqual(s.alpha(1), s.alphaBars[1].squareRoot(), accuracy: 1e-15)
        XCTAssertEqual(s.sigma(0), 0.01, accuracy: 1e-12)  // sqrt(1 - 0.9999)
        // abar_499 = prod(1 - beta): numpy float64 cumprod gives 0.006352710797015061.
        XCTAssertEqual(s.alphaBars[499], 0.006352710797015061, accuracy: 1e-12)
        XCTAssertEqual(s.sigma(499), 0.9968185838972832, accuracy: 1e-12)
        // beta~_t = beta_t (1 - abar_{t-1}) / (1 - abar_t); zero at t = 0; at t = 1 it is
        // beta_1 * beta_0 / (1 - abar_1).
        XCTAssertEqual(s.posteriorVariance(0), 0)
        XCTAssertEqual(s.posteriorVariance(1), s.betas[1] * 1e-4 / (1 - s.alphaBars[1]), accuracy: 1e-15)
        XCTAssertEqual(s.posteriorVariance(1), 5.831584832600667e-05, accuracy: 1e-12)
        XCTAssertEqual(NoiseSchedule.toy(), s)
    }

    func testScaledLinearSquaresEvenlySpacedRoots() throws {
        let s = try NoiseSchedule.scaledLinear(steps: 3, betaStart: 0.00085, betaEnd: 0.012)
        // middle: ((sqrt(a) + sqrt(b)) / 2)^2 = (a + b + 2 sqrt(ab)) / 4
        let mid = (0.00085 + 0.012 + 2 * (0.00085 * 0.012).squareRoot()) / 4
        XCTAssertEqual(s.betas[0], 0.00085, accuracy: 1e-15)
        XCTAssertEqual(s.betas[1], mid, accuracy: 1e-15)
        XCTAssertEqual(s.betas[1], 0.00480937, accuracy: 1e-8)
        XCTAssertEqual(s.betas[2], 0.012, accuracy: 1e-15)
        XCTAssertEqual(s.alphaBars[2], 0.99915 * (1 - mid) * 0.988, accuracy: 1e-14)
    }

    func testInvalidSchedulesThrow() {
        XCTAssertThrowsError(try NoiseSchedule.linear(steps: 0))
        XCTAssertThrowsError(try NoiseSchedule(betas: [0.1, 1.0]))
        XCTAssertThrowsError(try ContinuousSchedule(NoiseSchedule(betas: [0.1])))
    }

    func testForwardNoising() throws {
        let s = NoiseSchedule.toy()
        let x0 = try Batch(shape: [2, 1], values: [1, -2])
        let eps = try Batch(shape: [2, 1], values: [0.5, 1])
        let xt = try s.noised(x0, step: 10, noise: eps)
        let a = s.alpha(10), g = s.sigma(10)
        XCTAssertEqual(Double(xt.values[0]), a * 1 + g * 0.5, accuracy: 1e-6)
        XCTAssertEqual(Double(xt.values[1]), a * -2 + g * 1, accuracy: 1e-6)
        XCTAssertThrowsError(try s.noised(x0, step: 500, noise: eps))
        XCTAssertThrowsError(try s.noised(x0, step: 1, noise: Batch(shape: [3, 1])))
    }

    func testContinuousTimeInterpolatesLogAlphaBetweenKnots() throws {
        let d = try NoiseSchedule.linear(steps: 1000)
        let c = try ContinuousSchedule(d)
        XCTAssertEqual(c.totalN, 1000)  // lambda_999 = -5.0588 > -5.1: nothing clipped
        XCTAssertEqual(c.tEnd, 1e-3, accuracy: 1e-15)
        // Knot n sits at t = (n + 1) / N with log alpha = 0.5 log abar_n.
        for n in [0, 1, 499, 999] {
            let t = Double(n + 1) / 1000
            XCTAssertEqual(c.logAlpha(t), 0.5 * log(d.alphaBars[n]), accuracy: 1e-12)
            XCTAssertEqual(c.sigma(t), d.sigma(n), accuracy: 1e-12)
            XCTAssertEqual(c.alpha(t), d.alpha(n), accuracy: 1e-12)
            XCTAssertEqual(c.modelStep(t), n)
        }
        // Half-way between knots 9 and 10 (t = 0.0105) log alpha is the mean of the two.
        XCTAssertEqual(c.logAlpha(0.0105), 0.25 * (log(d.alphaBars[9]) + log(d.alphaBars[10])), accuracy: 1e-12)
        XCTAssertEqual(c.modelStep(0.0105), 9)  // int((0.0105 - 0.001) * 1000) = 9
        XCTAssertEqual(c.modelStep(0.0019999), 0)
        XCTAssertEqual(c.lambda(1), -5.0588365916505165, accuracy: 1e-9)
        // lambda is invertible, also between knots.
        for t in [1e-3, 0.0105, 0.3337, 0.77, 1.0] {
            XCTAssertEqual(c.inverseLambda(c.lambda(t)), t, accuracy: 1e-9)
        }
    }

    func testLambdaClipDropsTrailingSteps() throws {
        // 2000 linear steps reach lambda < -5.1 near the end; dpm-solver drops those steps.
        let d = try NoiseSchedule.linear(steps: 2000)
        let c = try ContinuousSchedule(d)
        XCTAssertLessThan(c.totalN, 2000)
        let kept = d.alphaBars.prefix(c.totalN).map { 0.5 * log($0 / (1 - $0)) }
        XCTAssertTrue(kept.allSatisfy { $0 >= -5.1 })
        XCTAssertLessThan(0.5 * log(d.alphaBars[c.totalN] / (1 - d.alphaBars[c.totalN])), -5.1)
    }

    func testTimeStepsUniformInLogSNR() throws {
        let c = try ContinuousSchedule(NoiseSchedule.linear(steps: 1000))
        let ts = c.timeSteps(.logSNR, from: 1, to: 1e-3, count: 7)
        XCTAssertEqual(ts.count, 8)
        XCTAssertEqual(ts.first!, 1, accuracy: 1e-9)
        XCTAssertEqual(ts.last!, 1e-3, accuracy: 1e-9)
        let l = ts.map(c.lambda)
        let h = (l[7] - l[0]) / 7
        for i in 0..<7 { XCTAssertEqual(l[i + 1] - l[i], h, accuracy: 1e-9) }
        let tu = c.timeSteps(.timeUniform, from: 1, to: 1e-3, count: 3)
        XCTAssertEqual(tu[1], 1 - 0.999 / 3, accuracy: 1e-15)
    }

    func testSeededRNGIsReproducibleAndNormal() {
        var a = SeededRNG(seed: 42), b = SeededRNG(seed: 42), c = SeededRNG(seed: 43)
        let xa = (0..<5).map { _ in a.next() }
        XCTAssertEqual(xa, (0..<5).map { _ in b.next() })
        XCTAssertNotEqual(xa, (0..<5).map { _ in c.next() })
        var r = SeededRNG(seed: 7)
        let n = 20000
        let z = (0..<n).map { _ in r.nextNormal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
        // Standard errors: mean 1/sqrt(n) = 0.007, variance sqrt(2/n) = 0.01; allow 5 of them.
        XCTAssertEqual(mean, 0, accuracy: 0.035)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
        let u = (0..<n).map { _ in r.nextUniform() }
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
    }
}
