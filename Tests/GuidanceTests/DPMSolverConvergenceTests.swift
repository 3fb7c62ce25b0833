import XCTest
@testable import Guidance

/// DPM-Solver++ against the exact probability-flow ODE of a Gaussian: convergence orders.
final class DPMSolverConvergenceTests: XCTestCase {
    /// For Gaussian data N(mu, s^2) the probability-flow ODE keeps
    /// `z = (x_t - alpha_t mu) / sqrt(alpha_t^2 s^2 + sigma_t^2)` constant, so exact
    /// solutions are known. Between t = 0.6 and 0.3 (model steps 599 and 299) with
    /// time-uniform steps and NFE dividing 300, every model evaluation falls on a knot where
    /// the model is exact, so the error is the solver's alone.
    struct GaussianFlow {
        let schedule: NoiseSchedule
        let c: ContinuousSchedule
        let model: GaussianMixturePredictor
        let mu = 0.7, s = 0.5

        init() throws {
            schedule = try NoiseSchedule.linear(steps: 1000)
            c = try ContinuousSchedule(schedule)
            model = GaussianMixturePredictor(mixture: try GaussianMixture(means: [[0.7]], std: 0.5), schedule: schedule)
        }

        /// The exact ODE solution through `x` at time `from`, evaluated at time `to`.
        func exact(_ x: Double, from: Double, to: Double) -> Double {
            let (a1, s1) = (c.alpha(from), c.sigma(from)), (a0, s0) = (c.alpha(to), c.sigma(to))
            let z = (x - a1 * mu) / (a1 * a1 * s * s + s1 * s1).squareRoot()
            return a0 * mu + (a0 * a0 * s * s + s0 * s0).squareRoot() * z
        }

        /// The largest error of a full solve from 0.6 to 0.3.
        func globalError(_ method: DPMSolverPlusPlus.Method, nfe: Int) throws -> Double {
            let solver = try DPMSolverPlusPlus(nfe: nfe, method: method, spacing: .timeUniform,
                                               lowerOrderFinal: false, tStart: 0.6, tEnd: 0.3)
            let xs = try Batch(shape: [5, 1], values: [-2, -0.5, 0, 0.8, 2.5])
            var rng = SeededRNG(seed: 0)
            let x = try solver.sample(SingleModality(model), schedules: [schedule], from: [xs], condition: nil, rng: &rng)[0]
            return zip(x.values, xs.values).map { abs(Double($0) - exact(Double($1), from: 0.6, to: 0.3)) }.max() ?? 0
        }
    }

    /// Global errors fall at the solvers' rates. Multistep order 3 starts with an order-1
    /// step, which limits it to global order 2 (its local order is checked separately);
    /// singlestep order 3 is pure order 3 when `nfe % 3 == 2` (last step of order 2).
    func testDPMSolverGlobalConvergenceOrders() throws {
        let flow = try GaussianFlow()
        func ratio(_ m: DPMSolverPlusPlus.Method, _ n1: Int, _ n2: Int) throws -> Double {
            let e1 = try flow.globalError(m, nfe: n1), e2 = try flow.globalError(m, nfe: n2)
            print("[convergence] \(m): error(\(n1)) \(e1), error(\(n2)) \(e2), ratio \(e1 / e2)")
            return e1 / e2
        }
        // Doubling the NFE: order 1 halves the error, order 2 quarters it.
        XCTAssertEqual(try ratio(.multistep(order: 1), 10, 20), 2, accuracy: 0.2)
        XCTAssertEqual(try ratio(.singlestep(order: 1), 10, 20), 2, accuracy: 0.2)
        XCTAssertEqual(try ratio(.multistep(order: 2), 10, 20), 4, accuracy: 0.6)
        XCTAssertEqual(try ratio(.singlestep(order: 2), 10, 20), 4, accuracy: 0.6)
        XCTAssertGreaterThan(try ratio(.multistep(order: 3), 10, 20), 3.4)
        // 20 -> 50 NFE (x2.5): order 3 gives 15.6, order 2 only 6.25.
        XCTAssertGreaterThan(try ratio(.singlestep(order: 3), 20, 50), 11)
        XCTAssertLessThan(try flow.globalError(.multistep(order: 3), nfe: 20),
                          try flow.globalError(.multistep(order: 2), nfe: 20) / 2)
    }

    /// One multistep update from exact history: local error `O(h^(k+1))`, so halving the
    /// step divides it by 4 and 8 for orders 1 and 2.
    ///
    /// Order 3 follows dpm-solver's `multistep_dpm_solver_third_update` term by term. Its
    /// second difference `D2 = (D1_0 - D1_1) / (r0 + r1)` estimates `h^2 x0''/2`, while the
    /// coefficient `-alpha_t phi_3` belongs to `h^2 x0''` (as in dpm-solver's own singlestep
    /// 'taylor' form, where `D2 = 2 (D1_1 - D1_0) / (r2 - r1)`), so its local error is
    /// `O(h^3)`: measured ratios 9.3-9.9 here, and 16-18 with the factor 2 put in (checked by
    /// hand, not kept, to stay faithful to the reference). It is still more accurate than
    /// order 2 at the same step.
    func testMultistepLocalErrorOrders() throws {
        let flow = try GaussianFlow()
        let x0 = 1.3, t0 = 0.6  // the trajectory through x0 at t0
        func localError(order: Int, stepKnots: Int) throws -> Double {
            let h = Double(stepKnots) / 1000
            let target = 0.4
            let times = (0..<order).map { target + Double(order - $0) * h }  // oldest first
            let xs = try times.map { try Batch(shape: [1, 1], values: [Float(flow.exact(x0, from: t0, to: $0))]) }
            let data = try zip(xs, times).map { x, t -> Batch in
                let eps = try flow.model.predictNoise(x, step: flow.c.modelStep(t), condition: nil)
                return x.combined(1 / flow.c.alpha(t), -flow.c.sigma(t) / flow.c.alpha(t), eps)
            }
            let out = DPMSolverPlusPlus.multistepUpdate(flow.c, x: xs[order - 1], previous: data, times: times,
                                                       to: target, order: order)
            return abs(Double(out.values[0]) - flow.exact(x0, from: t0, to: target))
        }
        var e20 = [Int: Double]()
        for (order, expected) in [(1, 4.0), (2, 8.0), (3, 8.0)] {
            let e40 = try localError(order: order, stepKnots: 40)
            e20[order] = try localError(order: order, stepKnots: 20)
            print("[convergence] multistep local order \(order): \(e40) -> \(e20[order]!), ratio \(e40 / e20[order]!)")
            XCTAssertGreaterThan(e40 / e20[order]!, 0.85 * expected, "order \(order)")
            XCTAssertLessThan(e40 / e20[order]!, 1.3 * expected, "order \(order)")
        }
        XCTAssertLessThan(e20[3]!, e20[2]! / 3)
    }
}
