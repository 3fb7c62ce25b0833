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
    /// The modalities (by index) that `thresholding` applies to; `nil` means all. Data that
    /// do not live in [-1, 1] (for example a scaled waveform) must be left out.
    public var thresholdedModalities: Set<Int>? = nil
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
        let ctx = SolverContext(model: model, schedules: cs, condition: condition, thresholding: thresholding,
                                thresholdedModalities: thresholdedModalities)
        switch method {
        case .multistep(let order):
            return try multistep(ctx, x: initial, order: order, t0: t0)
        case .singlestep(let order):
            return try singlestep(ctx, x: initial, order: order, t0: t0)
        }
    }
}
