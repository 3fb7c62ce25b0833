/// MMDisCo joint guidance: independent base models coupled through a discriminator's
/// input-gradient (spec section 2, released-code formula).
///
/// For every modality m, with `sigma_{m,t}` from that modality's own training schedule:
///
///     r_m       = -sigma_{m,t} * d(sum_b logit_e(h_b)) / d x_m
///     eps_joint = eps_m(x_m, t, c) + js_m * r_m
///
/// where `h` is the discriminator's logit and `logit_e` the chosen `LogitTransform`
/// (`d logit_e/dx = logit_e'(h) * dh/dx`). For the optimal discriminator
/// `h* = log q_t(x) - sum_m log p_{m,t}(x_m)`, identity transform and js = 1, this turns
/// the product of the base scores into the joint score exactly: `eps_joint = eps_q`.
/// Text and CFG: wrap this predictor in `ClassifierFreeGuidance`, which by linearity gives
/// `[u + w(c - u)] + js [r_u + w(r_c - r_u)]`. A zero scale skips the discriminator.
public struct JointGuidance<Base: MultiModalNoisePredictor, D: Discriminator>: MultiModalNoisePredictor {
    /// The independent base models (for example `IndependentModalities([audio, video])`).
    public let base: Base
    /// The discriminator.
    public let discriminator: D
    /// Each modality's training schedule, for `sigma_t`.
    public let schedules: [NoiseSchedule]
    /// The joint scales `js_m`, one per modality.
    public let scales: [Double]
    /// The function of the logit whose gradient is used.
    public let transform: LogitTransform

    /// Couples `base` through `discriminator`; `schedules` and `scales` give one entry per
    /// modality, and all schedules share the same number of steps.
    public init(base: Base, discriminator: D, schedules: [NoiseSchedule], scales: [Double],
                transform: LogitTransform = .released) throws {
        guard !schedules.isEmpty, schedules.count == scales.count else {
            throw GuidanceError.invalidConfiguration("joint guidance needs one schedule and one scale per modality")
        }
        guard Set(schedules.map(\.steps)).count == 1 else {
            throw GuidanceError.invalidConfiguration("the modalities' schedules must share the number of steps (one shared t)")
        }
        self.base = base
        self.discriminator = discriminator
        self.schedules = schedules
        self.scales = scales
        self.transform = transform
    }

    /// The residuals `r_m = -sigma_{m,t} logit_e'(h_b) dh_b/dx_{m,b}` of every modality.
    public func residuals(_ x: [Batch], step: Int, condition: Condition?) throws -> [Batch] {
        guard x.count == schedules.count else {
            throw GuidanceError.invalidShape("joint guidance set up for \(schedules.count) modalities got \(x.count)")
        }
        guard (0..<schedules[0].steps).contains(step) else {
            throw GuidanceError.invalidConfiguration("step \(step) outside 0..<\(schedules[0].steps)")
        }
        let batchSize = x[0].batchSize
        guard x.allSatisfy({ $0.batchSize == batchSize }) else {
            throw GuidanceError.invalidShape("the modalities of a joint batch must have the same batch size")
        }
        let out = try discriminator.logitsAndGradients(x, step: step, condition: condition)
        guard out.logits.count == batchSize else {
            throw GuidanceError.invalidShape("discriminator gave \(out.logits.count) logits for \(batchSize) samples")
        }
        try checkPrediction(out.gradients, for: x)
        let factors = out.logits.map { transform.derivative($0) }
        return (0..<x.count).map { m in
            let sigma = schedules[m].sigma(step)
            var r = out.gradients[m]
            let n = r.sampleSize
            for b in 0..<batchSize {
                let f = -sigma * factors[b]
                for i in (b * n)..<((b + 1) * n) { r.values[i] = Float(f * Double(r.values[i])) }
            }
            return r
        }
    }

    /// `eps_m + js_m r_m` for every modality.
    public func predictNoise(_ x: [Batch], step: Int, condition: Condition?) throws -> [Batch] {
        let eps = try base.predictNoise(x, step: step, condition: condition)
        try checkPrediction(eps, for: x)
        if scales.allSatisfy({ $0 == 0 }) { return eps }
        let r = try residuals(x, step: step, condition: condition)
        return (0..<x.count).map { m in eps[m].combined(1, scales[m], r[m]) }
    }
}
