import Tensor

/// An exponential moving average of a model's parameters (the weights that are sampled from).
///
/// After update `n` the average moves by `1 - d` with `d = min(decay, (1 + n) / (10 + n))`,
/// so early averages are not dominated by the random initialisation.
public final class ExponentialAverage {
    /// The averaged copies, one per tracked parameter, in the same order.
    public let values: [Tensor]
    /// The decay per update once the warm-up formula exceeds it.
    public let decay: Float

    /// Starts the average at the parameters' current values.
    public init(_ parameters: [Tensor], decay: Float) {
        values = parameters.map { Tensor(shape: $0.shape, data: $0.scalars) }
        self.decay = decay
    }

    /// Moves the average towards `parameters` after update number `step`.
    public func update(_ parameters: [Tensor], step: Int) {
        let d = min(decay, Float(1 + step) / Float(10 + step))
        for (average, p) in zip(values, parameters) {
            p.withUnsafeBufferPointer { source in
                average.withUnsafeMutableBufferPointer { target in
                    for i in 0..<target.count { target[i] = d * target[i] + (1 - d) * source[i] }
                }
            }
        }
    }
}
