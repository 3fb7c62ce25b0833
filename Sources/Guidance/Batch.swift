/// A batch of samples of one modality: a flat row-major `[Float]` with a shape whose first
/// dimension is the batch size.
///
/// The diffusion core works on plain arrays so it does not depend on the tensor engine; a
/// network predictor converts to and from its own tensors at the boundary.
public struct Batch: Sendable, Equatable {
    /// The shape, batch first: `[B, d1, d2, ...]`.
    public var shape: [Int]
    /// The values in row-major order; `values.count == shape.reduce(1, *)`.
    public var values: [Float]

    /// Creates a batch after checking that the value count matches the shape.
    public init(shape: [Int], values: [Float]) throws {
        guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }) else {
            throw GuidanceError.invalidShape("a batch needs a non-empty shape of non-negative sizes, got \(shape)")
        }
        let n = shape.reduce(1, *)
        guard n == values.count else {
            throw GuidanceError.invalidShape("shape \(shape) holds \(n) values, got \(values.count)")
        }
        self.shape = shape
        self.values = values
    }

    /// Creates a batch of the given shape filled with one value.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(!shape.isEmpty && shape.allSatisfy { $0 >= 0 }, "invalid batch shape \(shape)")
        self.shape = shape
        self.values = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A batch of independent standard normal values, drawn from `rng`.
    public static func standardNormal(shape: [Int], using rng: inout SeededRNG) -> Batch {
        var b = Batch(shape: shape)
        for i in b.values.indices { b.values[i] = Float(rng.nextNormal()) }
        return b
    }

    /// The number of samples (first dimension).
    public var batchSize: Int { shape[0] }

    /// The number of values per sample (product of the non-batch dimensions).
    public var sampleSize: Int { shape.dropFirst().reduce(1, *) }

    /// The values of sample `b` as a slice of `values`.
    public func sample(_ b: Int) -> ArraySlice<Float> {
        let n = sampleSize
        return values[(b * n)..<((b + 1) * n)]
    }

    /// Throws unless `other` has the same shape as `self`.
    public func checkSameShape(as other: Batch, _ what: String) throws {
        guard shape == other.shape else {
            throw GuidanceError.invalidShape("\(what): shape \(other.shape) differs from \(shape)")
        }
    }

    /// The elementwise combination `a * self + b * other` (shapes must agree).
    public func combined(_ a: Double, _ b: Double, _ other: Batch) -> Batch {
        precondition(shape == other.shape, "combined: shape \(other.shape) differs from \(shape)")
        var out = self
        let fa = a, fb = b
        for i in out.values.indices {
            out.values[i] = Float(fa * Double(values[i]) + fb * Double(other.values[i]))
        }
        return out
    }

    /// `self` scaled by `a`.
    public func scaled(_ a: Double) -> Batch {
        var out = self
        for i in out.values.indices { out.values[i] = Float(a * Double(values[i])) }
        return out
    }

    /// The elementwise linear combination `sum_i c_i * x_i` of same-shaped batches.
    public static func linearCombination(_ terms: [(Double, Batch)]) -> Batch {
        precondition(!terms.isEmpty, "linearCombination needs at least one term")
        let shape = terms[0].1.shape
        var acc = [Double](repeating: 0, count: terms[0].1.values.count)
        for (c, x) in terms {
            precondition(x.shape == shape, "linearCombination: shape \(x.shape) differs from \(shape)")
            for i in acc.indices { acc[i] += c * Double(x.values[i]) }
        }
        var out = terms[0].1
        for i in acc.indices { out.values[i] = Float(acc[i]) }
        return out
    }
}
