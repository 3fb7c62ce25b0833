/// Classifier-free guidance with its own scale per modality:
/// `eps_m = u_m + w_m (c_m - u_m)`, from one conditional and one unconditional evaluation
/// of the multi-modal base.
///
/// Around `JointGuidance` this is the released MMDisCo formula with per-modality scales,
/// `eps_m = [u_m + w_m (c_m - u_m)] + js_m [r_u,m + w_m (r_c,m - r_u,m)]`: both the base
/// prediction and the discriminator's residual get modality m's scale. With every `w_m = 1`,
/// or when the sampler passes no condition, only one evaluation is made.
public struct PerModalityClassifierFreeGuidance<Base: MultiModalNoisePredictor>: MultiModalNoisePredictor {
    /// The guided multi-modal predictor.
    public let base: Base
    /// The scale `w_m` of each modality.
    public let scales: [Double]
    /// The condition standing for "no condition" (the empty prompt).
    public let unconditional: Condition?

    /// Wraps `base` with one guidance scale per modality.
    public init(_ base: Base, scales: [Double], unconditional: Condition?) {
        self.base = base
        self.scales = scales
        self.unconditional = unconditional
    }

    /// `u_m + w_m (c_m - u_m)` for every modality m.
    public func predictNoise(_ x: [Batch], step: Int, condition: Condition?) throws -> [Batch] {
        guard scales.count == x.count else {
            throw GuidanceError.invalidShape("\(scales.count) guidance scales for \(x.count) modalities")
        }
        guard let condition else { return try base.predictNoise(x, step: step, condition: unconditional) }
        let c = try base.predictNoise(x, step: step, condition: condition)
        try checkPrediction(c, for: x)
        if scales.allSatisfy({ $0 == 1 }) { return c }
        let u = try base.predictNoise(x, step: step, condition: unconditional)
        try checkPrediction(u, for: x)
        return (0..<x.count).map { m in u[m].combined(1 - scales[m], scales[m], c[m]) }
    }
}
