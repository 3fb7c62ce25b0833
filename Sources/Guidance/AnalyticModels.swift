/// The exact noise predictor of a Gaussian mixture data distribution:
/// `eps*(x_t, t) = -sigma_t grad log p_t(x_t)`, with `p_t` the mixture's noisy marginal at
/// step t of `schedule`. The condition is ignored.
///
/// Inputs have shape `[B, ...]` with `dimension` values per sample.
public struct GaussianMixturePredictor: NoisePredictor, Sendable {
    /// The data distribution p_0.
    public let mixture: GaussianMixture
    /// The training schedule giving alpha_t and sigma_t.
    public let schedule: NoiseSchedule

    /// The exact predictor of `mixture` under `schedule`.
    public init(mixture: GaussianMixture, schedule: NoiseSchedule) {
        self.mixture = mixture
        self.schedule = schedule
    }

    /// `-sigma_t grad log p_t(x)` per sample.
    public func predictNoise(_ x: Batch, step: Int, condition: Condition?) throws -> Batch {
        let pt = try marginal(step: step, sampleSize: x.sampleSize)
        let sigma = schedule.sigma(step)
        let scores = pt.evaluateBatch(x, wantScores: true).scores
        var out = x
        for i in out.values.indices { out.values[i] = Float(-sigma * scores[i]) }
        return out
    }

    /// `log p_t(x)` per sample.
    public func logDensities(_ x: Batch, step: Int) throws -> [Double] {
        let pt = try marginal(step: step, sampleSize: x.sampleSize)
        return pt.evaluateBatch(x, wantScores: false).logDensities
    }

    /// The noisy marginal `p_t` after checking the step and the sample size.
    func marginal(step: Int, sampleSize: Int) throws -> GaussianMixture {
        guard (0..<schedule.steps).contains(step) else {
            throw GuidanceError.invalidConfiguration("step \(step) outside 0..<\(schedule.steps)")
        }
        guard sampleSize == mixture.dimension else {
            throw GuidanceError.invalidShape("samples have \(sampleSize) values, the mixture has dimension \(mixture.dimension)")
        }
        return mixture.noisy(alpha: schedule.alpha(step), sigma: schedule.sigma(step))
    }
}

/// The optimal discriminator between a joint Gaussian mixture q (real) and the product of
/// per-modality Gaussian mixtures p_m (fake, drawn independently), at noise step t:
///
///     h*(x, t) = log q_t(x_1, ..., x_M) - sum_m log p_{m,t}(x_m)
///     dh*/dx_m = [grad log q_t]_m - grad log p_{m,t}(x_m)
///
/// The joint sample is the concatenation of the modalities' per-sample values; all
/// distributions are noised with the one `schedule`. Condition ignored.
public struct OptimalDiscriminator: Discriminator, Sendable {
    /// The joint (real) distribution q over the concatenated modalities.
    public let joint: GaussianMixture
    /// The per-modality (fake) marginals p_m, whose dimensions sum to q's.
    public let marginals: [GaussianMixture]
    /// The schedule noising all of them.
    public let schedule: NoiseSchedule

    /// Creates D* for `joint` against the product of `marginals`.
    public init(joint: GaussianMixture, marginals: [GaussianMixture], schedule: NoiseSchedule) throws {
        guard marginals.map(\.dimension).reduce(0, +) == joint.dimension else {
            throw GuidanceError.invalidConfiguration("the marginals' dimensions must add up to the joint dimension")
        }
        self.joint = joint
        self.marginals = marginals
        self.schedule = schedule
    }

    /// The exact logits `h*` and their input-gradients.
    public func logitsAndGradients(_ x: [Batch], step: Int, condition: Condition?) throws -> DiscriminatorOutput {
        guard x.count == marginals.count else {
            throw GuidanceError.invalidShape("D* over \(marginals.count) modalities got \(x.count)")
        }
        guard (0..<schedule.steps).contains(step) else {
            throw GuidanceError.invalidConfiguration("step \(step) outside 0..<\(schedule.steps)")
        }
        for (xm, pm) in zip(x, marginals) where xm.sampleSize != pm.dimension {
            throw GuidanceError.invalidShape("a modality has \(xm.sampleSize) values per sample, its marginal \(pm.dimension)")
        }
        let batchSize = x[0].batchSize
        guard x.allSatisfy({ $0.batchSize == batchSize }) else {
            throw GuidanceError.invalidShape("the modalities must have the same batch size")
        }
        let a = schedule.alpha(step), s = schedule.sigma(step)
        let qt = joint.noisy(alpha: a, sigma: s)
        // The joint samples: the modalities' values side by side, one row per sample.
        let widths = x.map(\.sampleSize)
        let total = widths.reduce(0, +)
        var concat = Batch(shape: [batchSize, total])
        var offset = 0
        for (m, xm) in x.enumerated() {
            let n = widths[m]
            for b in 0..<batchSize {
                for i in 0..<n { concat.values[b * total + offset + i] = xm.values[b * n + i] }
            }
            offset += n
        }
        let (lq, gq) = qt.evaluateBatch(concat, wantScores: true)
        var logits = lq
        var grads = x
        offset = 0
        for (m, xm) in x.enumerated() {
            let n = widths[m]
            let (lp, gp) = marginals[m].noisy(alpha: a, sigma: s).evaluateBatch(xm, wantScores: true)
            for b in 0..<batchSize {
                logits[b] -= lp[b]
                for i in 0..<n { grads[m].values[b * n + i] = Float(gq[b * total + offset + i] - gp[b * n + i]) }
            }
            offset += n
        }
        return DiscriminatorOutput(logits: logits, gradients: grads)
    }
}
