import Foundation

/// DPM-Solver++ (Lu et al. 2022), the data-prediction form, on the discrete-time schedule
/// interpolated by `ContinuousSchedule` (a faithful re-derivation of dpm-solver's
/// `DPM_Solver(algorithm_type="dpmsolver++", solver_type="dpmsolver")`).
///
/// With `x0(x, s) = (x - sigma_s eps(x, step(s))) / alpha_s` (optionally dynamically
/// thresholded), `h = lambda_t - lambda_s` and `phi_1 = expm1(-h)`, the first-order update is
/// `x_t = (sigma_t / sigma_s) x_s - alpha_t phi_1 x0(x_s, s)`; the higher-order updates add
/// finite differences of `x0` (see `multistepUpdate` and `singlestepUpdate`). It integrates
/// from `tStart = 1` to `tEnd = 1/N` and does not denoise to zero at the end. With several
/// modalities the time grid comes from the first modality's schedule and every modality
/// uses its own alpha, sigma and lambda at the shared times.
public struct DPMSolverPlusPlus: Sampler {
    /// The solver family and its maximum order.
    public enum Method: Sendable, Equatable {
        /// Multistep DPM-Solver++ of order 1-3 (2 = "2M"): one NFE per step, warm-started
        /// with lower orders.
        case multistep(order: Int)
        /// Singlestep DPM-Solver++ of order 1-3 ("DPM-Solver-fast"): steps of mixed order that
        /// use up exactly the NFE budget (see `singlestepOrders`).
        case singlestep(order: Int)
    }

    /// The number of model evaluations.
    public let nfe: Int
    /// The solver family and order.
    public let method: Method
    /// How the time steps are spaced.
    public let spacing: TimeSpacing
    /// Dynamic thresholding of every data prediction, per modality, or `nil`.
    public let thresholding: DynamicThresholding?
    /// For multistep with fewer than 10 steps, lower the order on the final steps (dpm-solver's default).
    public let lowerOrderFinal: Bool
    /// The starting time (1 = pure noise).
    public let tStart: Double
    /// The final time; `nil` means `1/N` (model step 0).
    public let tEnd: Double?

    /// Creates a DPM-Solver++ sampler with an NFE budget.
    public init(nfe: Int, method: Method, spacing: TimeSpacing = .logSNR,
                thresholding: DynamicThresholding? = nil, lowerOrderFinal: Bool = true,
                tStart: Double = 1, tEnd: Double? = nil) throws {
        let order: Int
        switch method {
        case .multistep(let o), .singlestep(let o): order = o
        }
        guard (1...3).contains(order) else {
            throw GuidanceError.invalidConfiguration("DPM-Solver++ order must be 1, 2 or 3, got \(order)")
        }
        guard nfe >= order, nfe >= 1 else {
            throw GuidanceError.invalidConfiguration("DPM-Solver++ of order \(order) needs at least \(order) NFE")
        }
        self.nfe = nfe
        self.method = method
        self.spacing = spacing
        self.thresholding = thresholding
        self.lowerOrderFinal = lowerOrderFinal
        self.tStart = tStart
        self.tEnd = tEnd
    }

    /// The spec's in-domain sampler: 20 NFE, singlestep order 3, logSNR spacing, dynamic
    /// thresholding (quantile 0.995), no final denoise.
    public static func mmDiffusionDefault() -> DPMSolverPlusPlus {
        DPMSolverPlusPlus(validNFE: 20, method: .singlestep(order: 3), thresholding: .spec)
    }

    private init(validNFE: Int, method: Method, thresholding: DynamicThresholding?) {
        nfe = validNFE
        self.method = method
        spacing = .logSNR
        self.thresholding = thresholding
        lowerOrderFinal = true
        tStart = 1
        tEnd = nil
    }

    /// The orders of the singlestep solver's steps for an NFE budget (dpm-solver's
    /// `get_orders_and_timesteps_for_singlestep_solver`). Order 3 with `K = nfe/3 + 1`:
    /// `nfe % 3 == 0` gives `[3] * (K-2) + [2, 1]`, `== 1` gives `[3] * (K-1) + [1]`,
    /// `== 2` gives `[3] * (K-1) + [2]` (20 NFE: six order-3 steps and one order-2 step).
    public static func singlestepOrders(nfe: Int, order: Int) -> [Int] {
        switch order {
        case 3:
            let k = nfe / 3 + 1
            switch nfe % 3 {
            case 0: return Array(repeating: 3, count: k - 2) + [2, 1]
            case 1: return Array(repeating: 3, count: k - 1) + [1]
            default: return Array(repeating: 3, count: k - 1) + [2]
            }
        case 2:
            return nfe % 2 == 0 ? Array(repeating: 2, count: nfe / 2)
                : Array(repeating: 2, count: nfe / 2) + [1]
        default:
            return Array(repeating: 1, count: nfe)
        }
    }

    /// Integrates from `tStart` to `tEnd` with the configured method.
    public func sample<M: MultiModalNoisePredictor>(
        _ model: M, schedules: [NoiseSchedule], from initial: [Batch],
        condition: Condition?, rng: inout SeededRNG
    ) throws -> [Batch] {
        try validateSamplerInputs(schedules: schedules, initial: initial)
        let cs = try schedules.map { try ContinuousSchedule($0) }
        guard Set(cs.map(\.totalN)).count == 1 else {
            throw GuidanceError.invalidConfiguration("the modalities' continuous schedules differ in length after the lambda clip")
        }
        let t0 = tEnd ?? cs[0].tEnd
        guard t0 > 0, t0 < tStart else {
            throw GuidanceError.invalidConfiguration("DPM-Solver++ needs 0 < tEnd < tStart (got \(t0), \(tStart))")
        }
        let ctx = SolverContext(model: model, schedules: cs, condition: condition, thresholding: thresholding)
        switch method {
        case .multistep(let order):
            return try multistep(ctx, x: initial, order: order, t0: t0)
        case .singlestep(let order):
            return try singlestep(ctx, x: initial, order: order, t0: t0)
        }
    }

    // MARK: - Multistep

    private func multistep<M>(_ ctx: SolverContext<M>, x initial: [Batch], order: Int, t0: Double) throws -> [Batch] {
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

    // MARK: - Singlestep

    private func singlestep<M>(_ ctx: SolverContext<M>, x initial: [Batch], order: Int, t0: Double) throws -> [Batch] {
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

/// What every DPM-Solver++ update needs: the model, the per-modality continuous schedules,
/// the condition and the optional thresholding.
struct SolverContext<M: MultiModalNoisePredictor> {
    let model: M
    let schedules: [ContinuousSchedule]
    let condition: Condition?
    let thresholding: DynamicThresholding?

    /// The data predictions `x0_m = (x_m - sigma_m(t) eps_m) / alpha_m(t)` at time t (one
    /// model evaluation at the first schedule's integer step for t), thresholded if set.
    func data(_ x: [Batch], _ t: Double) throws -> [Batch] {
        let step = schedules[0].modelStep(t)
        let eps = try predict(model, x, step: step, condition: condition)
        return (0..<x.count).map { m in
            let a = schedules[m].alpha(t), sg = schedules[m].sigma(t)
            let x0 = x[m].combined(1 / a, -sg / a, eps[m])
            return thresholding.map { $0.apply(x0) } ?? x0
        }
    }
}
