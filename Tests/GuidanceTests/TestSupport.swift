import Foundation
@testable import Guidance

/// A predictor that counts its calls and records the steps it was asked about.
final class CountingPredictor<P: MultiModalNoisePredictor>: MultiModalNoisePredictor {
    let inner: P
    private(set) var steps: [Int] = []

    init(_ inner: P) { self.inner = inner }

    var calls: Int { steps.count }

    func predictNoise(_ x: [Batch], step: Int, condition: Condition?) throws -> [Batch] {
        steps.append(step)
        return try inner.predictNoise(x, step: step, condition: condition)
    }
}

/// A predictor returning a constant per condition: `value(condition)` everywhere.
struct ConstantPredictor: NoisePredictor {
    let value: (Condition?) -> Float

    func predictNoise(_ x: Batch, step: Int, condition: Condition?) throws -> Batch {
        Batch(shape: x.shape, repeating: value(condition))
    }
}

/// A discriminator with given logits and a constant gradient per condition.
struct ConstantDiscriminator: Discriminator {
    let logit: Double
    let gradient: (Condition?) -> Float

    func logitsAndGradients(_ x: [Batch], step: Int, condition: Condition?) throws -> DiscriminatorOutput {
        DiscriminatorOutput(logits: Array(repeating: logit, count: x[0].batchSize),
                            gradients: x.map { Batch(shape: $0.shape, repeating: gradient(condition)) })
    }
}

/// The largest absolute difference between two equally long arrays.
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Double {
    zip(a, b).map { abs(Double($0) - Double($1)) }.max() ?? 0
}

/// Joins two `[n, 1]` batches into one `[n, 2]` batch of pairs.
func pairs(_ x: Batch, _ y: Batch) -> Batch {
    var out = Batch(shape: [x.batchSize, 2])
    for b in 0..<x.batchSize {
        out.values[2 * b] = x.values[b]
        out.values[2 * b + 1] = y.values[b]
    }
    return out
}
