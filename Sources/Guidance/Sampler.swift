/// A reverse-diffusion sampler: turns noise into samples with a noise predictor.
///
/// Samplers work on a tuple of modalities (one `Batch` each, each with its own training
/// schedule, all schedules with the same number of steps so that the integer step is
/// shared); a single modality is the one-element case.
public protocol Sampler {
    /// Runs the reverse process from `initial` (the noise at the largest time) and returns
    /// the samples. `rng` supplies any noise the sampler adds along the way.
    func sample<M: MultiModalNoisePredictor>(
        _ model: M, schedules: [NoiseSchedule], from initial: [Batch],
        condition: Condition?, rng: inout SeededRNG
    ) throws -> [Batch]
}

extension Sampler {
    /// Samples several modalities starting from standard normal noise of the given shapes
    /// (drawn from `rng` in modality order).
    public func sample<M: MultiModalNoisePredictor>(
        _ model: M, schedules: [NoiseSchedule], shapes: [[Int]],
        condition: Condition? = nil, rng: inout SeededRNG
    ) throws -> [Batch] {
        let initial = shapes.map { Batch.standardNormal(shape: $0, using: &rng) }
        return try sample(model, schedules: schedules, from: initial, condition: condition, rng: &rng)
    }

    /// Samples one modality of the given shape (batch first) starting from standard normal
    /// noise drawn from `rng`.
    public func sample<P: NoisePredictor>(
        _ model: P, schedule: NoiseSchedule, shape: [Int],
        condition: Condition? = nil, rng: inout SeededRNG
    ) throws -> Batch {
        try sample(SingleModality(model), schedules: [schedule], shapes: [shape],
                   condition: condition, rng: &rng)[0]
    }
}

/// Checks a sampler's inputs: one schedule per modality, all with the same step count.
func validateSamplerInputs(schedules: [NoiseSchedule], initial: [Batch]) throws {
    guard !schedules.isEmpty, schedules.count == initial.count else {
        throw GuidanceError.invalidConfiguration("need one schedule per modality (\(schedules.count) for \(initial.count))")
    }
    guard Set(schedules.map(\.steps)).count == 1 else {
        throw GuidanceError.invalidConfiguration("the modalities' schedules must share the number of steps (one shared t)")
    }
}

/// Predicts the noise and checks the result's shapes.
func predict<M: MultiModalNoisePredictor>(_ model: M, _ x: [Batch], step: Int, condition: Condition?) throws -> [Batch] {
    let eps = try model.predictNoise(x, step: step, condition: condition)
    try checkPrediction(eps, for: x)
    return eps
}
