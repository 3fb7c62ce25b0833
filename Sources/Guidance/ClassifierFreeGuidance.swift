/// Classifier-free guidance around any predictor: `eps = u + w (c - u)`, where `c` is the
/// prediction with the condition and `u` the prediction with the unconditional (empty)
/// condition.
///
/// Wrapped around `JointGuidance` this gives, by linearity, the released MMDisCo formula
/// `eps = [u + w(c - u)] + js [r_u + w(r_c - r_u)]`. With `w = 1`, or when the sampler
/// passes no condition, only one prediction is made (`c`, respectively `u`).
public struct ClassifierFreeGuidance<Base> {
    /// The guided predictor.
    public let base: Base
    /// The guidance scale w.
    public let scale: Double
    /// The condition standing for "no condition" (an empty-text embedding), or `nil`.
    public let unconditional: Condition?

    /// Wraps `base` with guidance scale `scale`.
    public init(_ base: Base, scale: Double, unconditional: Condition? = nil) {
        self.base = base
        self.scale = scale
        self.unconditional = unconditional
    }

    /// The guidance combination `u + w (c - u)`, elementwise.
    public static func combine(unconditional u: Batch, conditional c: Batch, scale w: Double) -> Batch {
        u.combined(1 - w, w, c)
    }
}

extension ClassifierFreeGuidance: NoisePredictor where Base: NoisePredictor {
    /// `u + w (c - u)` for one modality.
    public func predictNoise(_ x: Batch, step: Int, condition: Condition?) throws -> Batch {
        guard let condition else {
            return try base.predictNoise(x, step: step, condition: unconditional)
        }
        let c = try base.predictNoise(x, step: step, condition: condition)
        if scale == 1 { return c }
        let u = try base.predictNoise(x, step: step, condition: unconditional)
        try c.checkSameShape(as: u, "unconditional prediction")
        return Self.combine(unconditional: u, conditional: c, scale: scale)
    }
}

extension ClassifierFreeGuidance: MultiModalNoisePredictor where Base: MultiModalNoisePredictor {
    /// `u_m + w (c_m - u_m)` for every modality m.
    public func predictNoise(_ x: [Batch], step: Int, condition: Condition?) throws -> [Batch] {
        guard let condition else {
            return try base.predictNoise(x, step: step, condition: unconditional)
        }
        let c = try base.predictNoise(x, step: step, condition: condition)
        try checkPrediction(c, for: x)
        if scale == 1 { return c }
        let u = try base.predictNoise(x, step: step, condition: unconditional)
        try checkPrediction(u, for: x)
        return zip(u, c).map { Self.combine(unconditional: $0, conditional: $1, scale: scale) }
    }
}
