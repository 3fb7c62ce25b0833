import Foundation

/// Multistep DPM-Solver++: one model evaluation per step, earlier data predictions reused.
extension DPMSolverPlusPlus {
    func multistep<M>(_ ctx: SolverContext<M>, x initial: [Batch], order: Int, t0: Double) throws -> [Batch] {
        let ts = ctx.schedules[0].timeSteps(spacing, from: tStart, to: t0, count: nfe)
        var x = initial
        var tPrev = [ts[0]]
        var mPrev = [try ctx.data(x, ts[0])]
        for step in 1..<(nfe + 1) {
            let stepOrder: Int
            if step < order {
                stepOrder = step
            } else if lowerOrderFinal && nfe < 10 {
                stepOrder = min(order, nfe + 1 - step)
            } else {
                stepOrder = order
            }
            let t = ts[step]
            x = (0..<x.count).map { m in
                Self.multistepUpdate(ctx.schedules[m], x: x[m], previous: mPrev.map { $0[m] },
                                     times: tPrev, to: t, order: stepOrder)
            }
            tPrev.append(t)
            if tPrev.count > order { tPrev.removeFirst() }
            if step < nfe {
                mPrev.append(try ctx.data(x, t))
                if mPrev.count > order { mPrev.removeFirst() }
            }
        }
        return x
    }

    /// One multistep DPM-Solver++ update of the given order from `times.last` to `t`, using
    /// the data predictions `previous` (oldest first) at `times`. With
    /// `h = lambda_t - lambda_{p0}`, `r0 = (lambda_{p0} - lambda_{p1}) / h`,
    /// `D1_0 = (m_0 - m_1) / r0`: order 2 is
    /// `(sigma_t/sigma_{p0}) x - alpha_t phi_1 m_0 - 0.5 alpha_t phi_1 D1_0`; order 3 adds the
    /// second difference: with `r1 = (lambda_{p1} - lambda_{p2}) / h`, `D1_1 = (m_1 - m_2) / r1`,
    /// `D1 = D1_0 + r0/(r0+r1) (D1_0 - D1_1)`, `D2 = (D1_0 - D1_1)/(r0+r1)`,
    /// `phi_2 = phi_1/h + 1`, `phi_3 = phi_2/h - 0.5`:
    /// `(sigma_t/sigma_{p0}) x - alpha_t phi_1 m_0 + alpha_t phi_2 D1 - alpha_t phi_3 D2`.
    /// Order 3 is dpm-solver's formula as published; note that its `D2` estimates
    /// `h^2 x0''/2` while `-alpha_t phi_3` multiplies `h^2 x0''` in the Taylor expansion, so
    /// its local error is `O(h^3)` rather than `O(h^4)` (measured in
    /// `SamplerTests.testMultistepLocalErrorOrders`). The spec's samplers (2M, 3S) are unaffected.
    static func multistepUpdate(_ cs: ContinuousSchedule, x: Batch, previous: [Batch], times: [Double],
                                to t: Double, order: Int) -> Batch {
        let n = times.count
        let s0 = times[n - 1]
        let lt = cs.lambda(t), l0 = cs.lambda(s0)
        let h = lt - l0
        let phi1 = expm1(-h)
        let at = cs.alpha(t), ratio = cs.sigma(t) / cs.sigma(s0)
        let m0 = previous[previous.count - 1]
        switch order {
        case 1:
            return x.combined(ratio, -at * phi1, m0)
        case 2:
            let m1 = previous[previous.count - 2]
            let r0 = (l0 - cs.lambda(times[n - 2])) / h
            // D1_0 = (m0 - m1) / r0; x_t = ratio x - a phi1 m0 - 0.5 a phi1 D1_0
            let c = -0.5 * at * phi1 / r0
            return Batch.linearCombination([(ratio, x), (-at * phi1 + c, m0), (-c, m1)])
        default:
            let m1 = previous[previous.count - 2], m2 = previous[previous.count - 3]
            let l1 = cs.lambda(times[n - 2]), l2 = cs.lambda(times[n - 3])
            let r0 = (l0 - l1) / h, r1 = (l1 - l2) / h
            let phi2 = phi1 / h + 1, phi3 = phi2 / h - 0.5
            // D1_0 = (m0 - m1)/r0, D1_1 = (m1 - m2)/r1
            // D1 = D1_0 + r0/(r0+r1) (D1_0 - D1_1), D2 = (D1_0 - D1_1)/(r0+r1)
            // x_t = ratio x - a phi1 m0 + a phi2 D1 - a phi3 D2, expanded in m0, m1, m2.
            let a10 = 1 / r0, a11 = 1 / r1            // D1_0 = a10 (m0 - m1), D1_1 = a11 (m1 - m2)
            let k1 = 1 + r0 / (r0 + r1), k2 = -r0 / (r0 + r1)  // D1 = k1 D1_0 + k2 D1_1
            let e = 1 / (r0 + r1)                         // D2 = e D1_0 - e D1_1
            let cD10 = at * phi2 * k1 - at * phi3 * e
            let cD11 = at * phi2 * k2 + at * phi3 * e
            let c0 = -at * phi1 + cD10 * a10
            let c1 = -cD10 * a10 + cD11 * a11
            let c2 = -cD11 * a11
            return Batch.linearCombination([(ratio, x), (c0, m0), (c1, m1), (c2, m2)])
        }
    }
}
