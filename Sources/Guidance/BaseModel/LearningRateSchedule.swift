import Foundation

/// The learning rate of base-model training per step: a linear warm-up to `peak`, then a
/// half-cosine decay to `floor · peak` at `totalSteps` (constant afterwards), or constant.
public struct LearningRateSchedule: Sendable, Equatable {
    /// The rate after warm-up.
    public var peak: Float
    /// Steps of linear warm-up from `peak / warmup` to `peak`.
    public var warmup: Int
    /// The step at which the cosine reaches its floor; 0 keeps the rate constant after warm-up.
    public var totalSteps: Int
    /// The final rate as a fraction of `peak`.
    public var floor: Float

    /// A schedule; `totalSteps` 0 means no decay.
    public init(peak: Float, warmup: Int = 0, totalSteps: Int = 0, floor: Float = 0.05) {
        self.peak = peak
        self.warmup = max(0, warmup)
        self.totalSteps = max(0, totalSteps)
        self.floor = floor
    }

    /// The rate used for the update that makes `step` steps (1-based: the first update is step 1).
    public func rate(atStep step: Int) -> Float {
        if warmup > 0, step <= warmup { return peak * Float(step) / Float(warmup) }
        guard totalSteps > warmup else { return peak }
        let progress = min(1, Double(step - warmup) / Double(totalSteps - warmup))
        let cosine = Float(0.5 * (1 + cos(Double.pi * progress)))
        return peak * (floor + (1 - floor) * cosine)
    }
}
