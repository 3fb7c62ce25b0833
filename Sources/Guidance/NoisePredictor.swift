/// An optional conditioning embedding (for example a text embedding), shared by the batch.
/// `nil` means unconditional.
public typealias Condition = [Float]

/// A black-box noise predictor `eps_theta(x_t, t, c)` for one modality.
///
/// `x` is a batch of noisy samples at the integer training step `step` (shared by the
/// batch); the result has the same shape. The score is `-eps / sigma_t`.
public protocol NoisePredictor {
    /// Predicts the noise in `x` at `step`, optionally conditioned.
    func predictNoise(_ x: Batch, step: Int, condition: Condition?) throws -> Batch
}

/// A noise predictor over several modalities at once (one batch per modality, shared step).
///
/// The samplers work on this form; one modality is `SingleModality`, two independent base
/// models are `IndependentModalities`, and `JointGuidance` couples them.
public protocol MultiModalNoisePredictor {
    /// Predicts the noise of every modality, `result[m]` shaped like `x[m]`.
    func predictNoise(_ x: [Batch], step: Int, condition: Condition?) throws -> [Batch]
}

/// Checks that a predictor returned one batch per modality, each shaped like its input.
func checkPrediction(_ eps: [Batch], for x: [Batch]) throws {
    guard eps.count == x.count else {
        throw GuidanceError.invalidShape("predictor returned \(eps.count) modalities for \(x.count)")
    }
    for (e, xi) in zip(eps, x) { try xi.checkSameShape(as: e, "predicted noise") }
}

/// One single-modality predictor seen as a one-modality `MultiModalNoisePredictor`.
public struct SingleModality<P: NoisePredictor>: MultiModalNoisePredictor {
    /// The wrapped predictor.
    public let predictor: P

    /// Wraps `predictor`.
    public init(_ predictor: P) { self.predictor = predictor }

    /// Predicts the noise of the only modality; throws unless `x.count == 1`.
    public func predictNoise(_ x: [Batch], step: Int, condition: Condition?) throws -> [Batch] {
        guard x.count == 1 else {
            throw GuidanceError.invalidShape("a single-modality predictor got \(x.count) modalities")
        }
        return [try predictor.predictNoise(x[0], step: step, condition: condition)]
    }
}

/// Independent base models, one per modality, with no coupling: `eps_m = eps_m(x_m, t, c)`.
///
/// This is "no joint guidance"; `JointGuidance` adds the discriminator's residual to it.
public struct IndependentModalities: MultiModalNoisePredictor {
    /// The per-modality base models, in modality order (for MMDisCo: audio, video).
    public let predictors: [any NoisePredictor]

    /// Combines the given base models, one per modality.
    public init(_ predictors: [any NoisePredictor]) { self.predictors = predictors }

    /// Applies each base model to its own modality.
    public func predictNoise(_ x: [Batch], step: Int, condition: Condition?) throws -> [Batch] {
        guard x.count == predictors.count else {
            throw GuidanceError.invalidShape("\(predictors.count) base models got \(x.count) modalities")
        }
        return try zip(predictors, x).map { try $0.predictNoise($1, step: step, condition: condition) }
    }
}
