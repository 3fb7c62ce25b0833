/// Dynamic thresholding of a data prediction (Imagen; dpm-solver's
/// `dynamic_thresholding_fn`), applied per sample.
///
/// `s = quantile(|x0_b|, ratio)` (linear interpolation between order statistics, as
/// `torch.quantile`), `s = max(s, maxValue)`, `x0_b = clamp(x0_b, -s, s) / s`.
/// Meant for pixel-space data in [-1, 1]; not for latents or the toy mixtures.
public struct DynamicThresholding: Sendable, Equatable {
    /// The quantile of |x0| (0.995 in the spec).
    public let ratio: Double
    /// The lower bound on s (1 in the spec).
    public let maxValue: Double

    /// Creates the thresholding with quantile `ratio` in [0, 1] and bound `maxValue > 0`.
    public init(ratio: Double = 0.995, maxValue: Double = 1) throws {
        guard (0...1).contains(ratio), maxValue > 0 else {
            throw GuidanceError.invalidConfiguration("dynamic thresholding needs ratio in [0, 1] and maxValue > 0")
        }
        self.ratio = ratio
        self.maxValue = maxValue
    }

    /// The spec's setting: quantile 0.995, `s >= 1`.
    public static let spec = DynamicThresholding(validRatio: 0.995, maxValue: 1)

    private init(validRatio: Double, maxValue: Double) {
        self.ratio = validRatio
        self.maxValue = maxValue
    }

    /// The threshold s of one sample: `max(quantile(|v|, ratio), maxValue)`.
    public func threshold<C: Collection>(_ v: C) -> Double where C.Element == Float {
        let a = v.map { abs(Double($0)) }.sorted()
        guard !a.isEmpty else { return maxValue }
        let pos = ratio * Double(a.count - 1)
        let lo = Int(pos.rounded(.down))
        let hi = min(lo + 1, a.count - 1)
        let q = a[lo] + (pos - Double(lo)) * (a[hi] - a[lo])
        return max(q, maxValue)
    }

    /// Thresholds every sample of `x0`.
    public func apply(_ x0: Batch) -> Batch {
        var out = x0
        let n = x0.sampleSize
        for b in 0..<x0.batchSize {
            let s = threshold(x0.sample(b))
            for i in (b * n)..<((b + 1) * n) {
                out.values[i] = Float(min(max(Double(x0.values[i]), -s), s) / s)
            }
        }
        return out
    }
}
