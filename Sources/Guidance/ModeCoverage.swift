/// How well samples cover a set of modes: the fraction within a radius of the nearest
/// mode, the count per mode (the toy experiment's `on_target` and `mode_counts`) and the
/// spread of the samples around their modes.
public struct ModeCoverage: Sendable, Equatable {
    /// The fraction of samples within `radius` of their nearest mode (non-finite samples
    /// count as off target).
    public let onTargetFraction: Double
    /// The number of on-target samples nearest to each mode.
    public let counts: [Int]
    /// The number of samples evaluated.
    public let total: Int
    /// The root mean square per-coordinate deviation from the nearest mode of the samples
    /// within `spreadRadius` of it (for isotropic modes of std s this estimates s, nearly
    /// untruncated when `spreadRadius` is 6 s); `nan` if there are none.
    public let spread: Double

    /// Measures `samples` (shape `[n, d]`) against `means` (each of length d), Euclidean.
    public init(samples: Batch, means: [[Double]], radius: Double = 0.3, spreadRadius: Double = 0.6) throws {
        let d = samples.sampleSize
        guard !means.isEmpty, means.allSatisfy({ $0.count == d }) else {
            throw GuidanceError.invalidShape("modes must have the samples' dimension \(d)")
        }
        var counts = [Int](repeating: 0, count: means.count)
        var on = 0
        var squares = 0.0, near = 0
        for b in 0..<samples.batchSize {
            let x = samples.sample(b).map(Double.init)
            guard x.allSatisfy({ $0.isFinite }) else { continue }
            var best = Double.infinity, bestK = 0
            for (k, mu) in means.enumerated() {
                var d2 = 0.0
                for i in 0..<d { d2 += (x[i] - mu[i]) * (x[i] - mu[i]) }
                if d2 < best { best = d2; bestK = k }
            }
            if best < spreadRadius * spreadRadius {
                squares += best
                near += 1
            }
            if best < radius * radius {
                on += 1
                counts[bestK] += 1
            }
        }
        self.total = samples.batchSize
        self.spread = near > 0 ? (squares / Double(near * d)).squareRoot() : .nan
        self.counts = counts
        self.onTargetFraction = total > 0 ? Double(on) / Double(total) : 0
    }

    /// The smallest mode count relative to an equal share of the on-target samples
    /// (1 = perfectly balanced, 0 = a mode is missing).
    public var minimumShareRatio: Double {
        let on = counts.reduce(0, +)
        guard on > 0, let lo = counts.min() else { return 0 }
        return Double(lo) * Double(counts.count) / Double(on)
    }
}
