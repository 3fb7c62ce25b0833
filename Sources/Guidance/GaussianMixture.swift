import Foundation

/// A mixture of isotropic Gaussians in any dimension:
/// `p(x) = sum_k pi_k N(x; mu_k, s_k^2 I)`.
///
/// Used for exact checks: under the forward process its noisy marginal at signal scale
/// alpha and noise scale sigma is again such a mixture, `N(alpha mu_k, (alpha^2 s_k^2 + sigma^2) I)`.
public struct GaussianMixture: Sendable, Equatable {
    /// The component means, each of length `dimension`.
    public let means: [[Double]]
    /// The component standard deviations s_k.
    public let stds: [Double]
    /// The mixture weights pi_k (summing to 1).
    public let weights: [Double]

    /// Creates a mixture; `weights` default to uniform and are normalised.
    public init(means: [[Double]], stds: [Double], weights: [Double]? = nil) throws {
        guard let d = means.first?.count, d > 0, means.allSatisfy({ $0.count == d }) else {
            throw GuidanceError.invalidConfiguration("a mixture needs at least one mean, all of the same positive dimension")
        }
        guard stds.count == means.count, stds.allSatisfy({ $0 > 0 }) else {
            throw GuidanceError.invalidConfiguration("a mixture needs one positive std per component")
        }
        let w = weights ?? Array(repeating: 1, count: means.count)
        guard w.count == means.count, w.allSatisfy({ $0 > 0 }) else {
            throw GuidanceError.invalidConfiguration("a mixture needs one positive weight per component")
        }
        let total = w.reduce(0, +)
        self.means = means
        self.stds = stds
        self.weights = w.map { $0 / total }
    }

    /// Creates an equally weighted mixture with one shared std.
    public init(means: [[Double]], std: Double) throws {
        try self.init(means: means, stds: Array(repeating: std, count: means.count))
    }

    /// The dimension of a sample.
    public var dimension: Int { means[0].count }

    /// The noisy marginal `sum_k pi_k N(alpha mu_k, (alpha^2 s_k^2 + sigma^2) I)` of
    /// `x_t = alpha x_0 + sigma eps`.
    public func noisy(alpha: Double, sigma: Double) -> GaussianMixture {
        GaussianMixture(valid: means.map { $0.map { alpha * $0 } },
                        stds: stds.map { (alpha * alpha * $0 * $0 + sigma * sigma).squareRoot() },
                        weights: weights)
    }

    private init(valid means: [[Double]], stds: [Double], weights: [Double]) {
        self.means = means
        self.stds = stds
        self.weights = weights
    }

    /// `log p(x)` and the score `grad_x log p(x) = sum_k gamma_k(x) (mu_k - x) / s_k^2`, with
    /// the responsibilities `gamma_k` computed by log-sum-exp.
    public func logDensityAndScore<C: Collection>(_ x: C) -> (logDensity: Double, score: [Double])
    where C.Element == Double {
        let xs = Array(x)
        var score = [Double](repeating: 0, count: xs.count)
        var scratch = [Double](repeating: 0, count: means.count)
        let lp = xs.withUnsafeBufferPointer { xp in
            score.withUnsafeMutableBufferPointer { sp in
                scratch.withUnsafeMutableBufferPointer { evaluate(xp, score: sp, scratch: $0) }
            }
        }
        return (lp, score)
    }

    /// `log p(x)`.
    public func logDensity<C: Collection>(_ x: C) -> Double where C.Element == Double {
        logDensityAndScore(x).logDensity
    }

    /// The non-generic kernel: returns `log p(x)` and, if `score` is non-empty, writes the
    /// score into it. `scratch` holds one value per component.
    func evaluate(_ x: UnsafeBufferPointer<Double>, score: UnsafeMutableBufferPointer<Double>,
                  scratch logTerms: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = x.count
        var top = -Double.infinity
        for k in 0..<means.count {
            let v = stds[k] * stds[k]
            var d2 = 0.0
            means[k].withUnsafeBufferPointer { mu in
                for i in 0..<d {
                    let e = x[i] - mu[i]
                    d2 += e * e
                }
            }
            let l = log(weights[k]) - 0.5 * Double(d) * log(2 * Double.pi * v) - 0.5 * d2 / v
            logTerms[k] = l
            if l > top { top = l }
        }
        var z = 0.0
        for k in 0..<means.count { z += exp(logTerms[k] - top) }
        let logP = top + log(z)
        guard score.count == d else { return logP }
        for i in 0..<d { score[i] = 0 }
        for k in 0..<means.count {
            let g = exp(logTerms[k] - logP)
            if g == 0 { continue }
            let c = g / (stds[k] * stds[k])
            means[k].withUnsafeBufferPointer { mu in
                for i in 0..<d { score[i] += c * (mu[i] - x[i]) }
            }
        }
        return logP
    }

    /// `log p` of every sample of a batch with `dimension` values per sample, and, if
    /// asked, the scores (flat, shaped like the batch). Computed in Double.
    func evaluateBatch(_ batch: Batch, wantScores: Bool) -> (logDensities: [Double], scores: [Double]) {
        let d = batch.sampleSize
        let count = batch.batchSize
        var logs = [Double](repeating: 0, count: count)
        var scores = [Double](repeating: 0, count: wantScores ? count * d : 0)
        var x = [Double](repeating: 0, count: d)
        var score = [Double](repeating: 0, count: d)
        var scratch = [Double](repeating: 0, count: means.count)
        batch.values.withUnsafeBufferPointer { v in
            x.withUnsafeMutableBufferPointer { xp in
                score.withUnsafeMutableBufferPointer { sp in
                    scratch.withUnsafeMutableBufferPointer { scr in
                        for b in 0..<count {
                            for i in 0..<d { xp[i] = Double(v[b * d + i]) }
                            let target = wantScores ? sp : UnsafeMutableBufferPointer(start: sp.baseAddress, count: 0)
                            logs[b] = evaluate(UnsafeBufferPointer(xp), score: target, scratch: scr)
                            if wantScores { for i in 0..<d { scores[b * d + i] = sp[i] } }
                        }
                    }
                }
            }
        }
        return (logs, scores)
    }

    /// `n` samples as a batch of shape `[n, dimension]`: a component by weight, then its Gaussian.
    public func sample(count n: Int, using rng: inout SeededRNG) -> Batch {
        var out = Batch(shape: [n, dimension])
        var cumulative = [Double]()
        var acc = 0.0
        for w in weights { acc += w; cumulative.append(acc) }
        for b in 0..<n {
            let u = rng.nextUniform() * acc
            let k = cumulative.firstIndex(where: { u < $0 }) ?? (means.count - 1)
            for i in 0..<dimension {
                out.values[b * dimension + i] = Float(means[k][i] + stds[k] * rng.nextNormal())
            }
        }
        return out
    }
}
