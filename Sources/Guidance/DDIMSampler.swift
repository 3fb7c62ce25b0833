/// DDIM sampling (Song et al. 2021) on evenly spaced steps, with stochasticity eta.
///
/// Steps `tau = 0, k, 2k, ..., (S-1)k` with `k = T / S` (integer division), visited from the
/// largest down. At each step, with `abar' = abar` of the next visited step (1 after step 0):
///
///     x0    = (x_t - sigma_t eps) / alpha_t
///     s     = eta * sqrt((1 - abar') / (1 - abar_t)) * sqrt(1 - abar_t / abar')
///     x'    = sqrt(abar') x0 + sqrt(1 - abar' - s^2) eps + s z
///
/// `eta = 0` is deterministic given the initial noise (no random numbers are drawn);
/// `eta = 1` is ancestral DDPM with the posterior variance beta~ of the sub-sequence, i.e.
/// diffusers' `DDPMScheduler` with S inference steps ("leading" spacing, fixed small
/// variance) — the released code's 50-step ancestral sampler — and with S = T it is
/// `DDPMSampler` draw for draw. NFE = S.
public struct DDIMSampler: Sampler {
    /// The number of steps S (the NFE).
    public let steps: Int
    /// The stochasticity eta (0 = deterministic DDIM).
    public let eta: Double

    /// Creates a DDIM sampler with `steps` evaluations and stochasticity `eta >= 0`.
    public init(steps: Int, eta: Double = 0) throws {
        guard steps >= 1 else { throw GuidanceError.invalidConfiguration("DDIM needs at least one step") }
        guard eta >= 0 else { throw GuidanceError.invalidConfiguration("DDIM eta must be non-negative") }
        self.steps = steps
        self.eta = eta
    }

    /// The visited integer steps, largest first, for a schedule of `total` steps.
    public func timesteps(total: Int) throws -> [Int] {
        guard steps <= total else {
            throw GuidanceError.invalidConfiguration("DDIM with \(steps) steps needs a schedule of at least as many steps (got \(total))")
        }
        let k = total / steps
        return (0..<steps).map { $0 * k }.reversed()
    }

    /// Runs the S DDIM steps; each modality uses its own schedule.
    public func sample<M: MultiModalNoisePredictor>(
        _ model: M, schedules: [NoiseSchedule], from initial: [Batch],
        condition: Condition?, rng: inout SeededRNG
    ) throws -> [Batch] {
        try validateSamplerInputs(schedules: schedules, initial: initial)
        let seq = try timesteps(total: schedules[0].steps)
        var x = initial
        for (i, t) in seq.enumerated() {
            let prev = i + 1 < seq.count ? seq[i + 1] : -1
            let eps = try predict(model, x, step: t, condition: condition)
            for m in x.indices {
                let s = schedules[m]
                let ab = s.alphaBars[t]
                let abPrev = prev >= 0 ? s.alphaBars[prev] : 1
                let x0 = x[m].combined(1 / ab.squareRoot(), -(1 - ab).squareRoot() / ab.squareRoot(), eps[m])
                let noiseSD = eta * ((1 - abPrev) / (1 - ab) * (1 - ab / abPrev)).squareRoot()
                let dirCoef = max(0, 1 - abPrev - noiseSD * noiseSD).squareRoot()
                var next = x0.combined(abPrev.squareRoot(), dirCoef, eps[m])
                if noiseSD > 0 {
                    for j in next.values.indices { next.values[j] += Float(noiseSD * rng.nextNormal()) }
                }
                x[m] = next
            }
        }
        return x
    }
}
