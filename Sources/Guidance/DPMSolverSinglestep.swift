import Foundation

/// Singlestep DPM-Solver++ ("DPM-Solver-fast"): each step evaluates the model at its own
/// intermediate times.
extension DPMSolverPlusPlus {
    func singlestep<M>(_ ctx: SolverContext<M>, x initial: [Batch], order: Int, t0: Double) throws -> [Batch] {
        let orders = Self.singlestepOrders(nfe: nfe, order: order)
        let cs0 = ctx.schedules[0]
        let outer: [Double]
        if spacing == .logSNR {
            outer = cs0.timeSteps(spacing, from: tStart, to: t0, count: orders.count)
        } else {
            let all = cs0.timeSteps(spacing, from: tStart, to: t0, count: nfe)
            var idx = [0]
            for o in orders { idx.append(idx[idx.count - 1] + o) }
            outer = idx.map { all[$0] }
        }
        var x = initial
        for (i, o) in orders.enumerated() {
            let s = outer[i], t = outer[i + 1]
            let inner = cs0.timeSteps(spacing, from: s, to: t, count: o)
            x = try singlestepUpdate(ctx, x: x, times: inner, order: o)
        }
        return x
    }

    /// One singlestep DPM-Solver++ update of order 1-3 from `times[0]` to `times.last`, with
    /// intermediate times `times[1...]` (fractions `r1`, `r2` of `h` in lambda, per modality).
    /// With `phi_1 = expm1(-h)`:
    /// order 2: `u = (sigma_{s1}/sigma_s) x - alpha_{s1} expm1(-r1 h) m_s`, then
    /// `x_t = (sigma_t/sigma_s) x - alpha_t phi_1 m_s - (0.5/r1) alpha_t phi_1 (m_{s1} - m_s)`;
    /// order 3: `u1` as above, `u2 = (sigma_{s2}/sigma_s) x - alpha_{s2} expm1(-r2 h) m_s
    /// + (r2/r1) alpha_{s2} phi_22 (m_{s1} - m_s)` with `phi_22 = expm1(-r2 h)/(r2 h) + 1`,
    /// then `x_t = (sigma_t/sigma_s) x - alpha_t phi_1 m_s + (1/r2) alpha_t phi_2 (m_{s2} - m_s)`,
    /// `phi_2 = phi_1/h + 1`. Uses exactly `order` model evaluations.
    func singlestepUpdate<M>(_ ctx: SolverContext<M>, x: [Batch], times: [Double], order: Int) throws -> [Batch] {
        let s = times[0], t = times[times.count - 1]
        let ms = try ctx.data(x, s)
        let cs = ctx.schedules
        // Per-modality lambda geometry at the shared times.
        func h(_ m: Int) -> Double { cs[m].lambda(t) - cs[m].lambda(s) }
        func r(_ m: Int, _ u: Double) -> Double { (cs[m].lambda(u) - cs[m].lambda(s)) / h(m) }
        func xt(_ m: Int) -> (ratio: Double, aphi1: Double) {
            (cs[m].sigma(t) / cs[m].sigma(s), cs[m].alpha(t) * expm1(-h(m)))
        }
        switch order {
        case 1:
            return (0..<x.count).map { m in
                let (ratio, aphi1) = xt(m)
                return x[m].combined(ratio, -aphi1, ms[m])
            }
        case 2:
            let s1 = times[1]
            let u = (0..<x.count).map { m in
                let r1 = r(m, s1)
                return x[m].combined(cs[m].sigma(s1) / cs[m].sigma(s), -cs[m].alpha(s1) * expm1(-r1 * h(m)), ms[m])
            }
            let ms1 = try ctx.data(u, s1)
            return (0..<x.count).map { m in
                let (ratio, aphi1) = xt(m)
                let c = 0.5 / r(m, s1) * aphi1
                return Batch.linearCombination([(ratio, x[m]), (-aphi1 + c, ms[m]), (-c, ms1[m])])
            }
        default:
            let s1 = times[1], s2 = times[2]
            let u1 = (0..<x.count).map { m in
                let r1 = r(m, s1)
                return x[m].combined(cs[m].sigma(s1) / cs[m].sigma(s), -cs[m].alpha(s1) * expm1(-r1 * h(m)), ms[m])
            }
            let ms1 = try ctx.data(u1, s1)
            let u2 = (0..<x.count).map { m in
                let hm = h(m), r1 = r(m, s1), r2 = r(m, s2)
                let a2 = cs[m].alpha(s2)
                let phi12 = expm1(-r2 * hm)
                let phi22 = phi12 / (r2 * hm) + 1
                let c = r2 / r1 * a2 * phi22
                return Batch.linearCombination([(cs[m].sigma(s2) / cs[m].sigma(s), x[m]),
                                                (-a2 * phi12 - c, ms[m]), (c, ms1[m])])
            }
            let ms2 = try ctx.data(u2, s2)
            return (0..<x.count).map { m in
                let (ratio, aphi1) = xt(m)
                let hm = h(m)
                let phi2 = expm1(-hm) / hm + 1
                let c = cs[m].alpha(t) * phi2 / r(m, s2)
                return Batch.linearCombination([(ratio, x[m]), (-aphi1 - c, ms[m]), (c, ms2[m])])
            }
        }
    }
}
