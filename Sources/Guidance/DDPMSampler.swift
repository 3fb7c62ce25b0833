/// Ancestral DDPM sampling over all T steps (the toy experiment's sampler).
///
/// For t = T-1 down to 0:
/// `x_{t-1} = (x_t - beta_t / sigma_t * eps) / sqrt(1 - beta_t) + sqrt(beta~_t) z`,
/// `z ~ N(0, I)`, with the posterior variance `beta~_t = beta_t (1 - abar_{t-1}) / (1 - abar_t)`
/// ("fixed small", as the reference toy) and no noise at t = 0. NFE = T.
public struct DDPMSampler: Sampler {
    /// Creates the sampler (it has no settings).
    public init() {}

    /// Runs all T ancestral steps; each modality uses its own schedule.
    public func sample<M: MultiModalNoisePredictor>(
        _ model: M, schedules: [NoiseSchedule], from initial: [Batch],
        condition: Condition?, rng: inout SeededRNG
    ) throws -> [Batch] {
        try validateSamplerInputs(schedules: schedules, initial: initial)
        var x = initial
        for t in stride(from: schedules[0].steps - 1, through: 0, by: -1) {
            let eps = try predict(model, x, step: t, condition: condition)
            for m in x.indices {
                let s = schedules[m]
                let beta = s.betas[t]
                let c0 = 1 / (1 - beta).squareRoot()
                var next = x[m].combined(c0, -c0 * beta / s.sigma(t), eps[m])
                if t > 0 {
                    let sd = s.posteriorVariance(t).squareRoot()
                    for i in next.values.indices { next.values[i] += Float(sd * rng.nextNormal()) }
                }
                x[m] = next
            }
        }
        return x
    }
}
