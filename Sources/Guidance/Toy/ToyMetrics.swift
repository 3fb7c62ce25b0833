import Foundation

/// Sample-quality measures of the toy experiment (reference `metrics`).
public enum ToyMetrics {
    /// The negative log-likelihood of `samples` under an isotropic Gaussian kernel density
    /// estimate on `reference` with bandwidth h:
    /// `-mean_i log( (1/m) sum_j N(x_i; y_j, h^2 I) )`, by log-sum-exp in Double.
    /// Non-finite samples are skipped. The reference reports h = 0.1, 0.25 and 0.386 (the last
    /// gives 1.67 on ground-truth samples, the paper's GT value).
    public static func kdeNegativeLogLikelihood(samples: Batch, reference: Batch, bandwidth h: Double) throws -> Double {
        let d = samples.sampleSize
        guard reference.sampleSize == d, reference.batchSize > 0, h > 0 else {
            throw GuidanceError.invalidShape("KDE needs a non-empty reference of the samples' dimension and h > 0")
        }
        let m = reference.batchSize
        let logNorm = -log(Double(m)) - 0.5 * Double(d) * log(2 * Double.pi * h * h)
        var total = 0.0, count = 0
        var terms = [Double](repeating: 0, count: m)
        for i in 0..<samples.batchSize {
            let x = samples.sample(i).map(Double.init)
            guard x.allSatisfy({ $0.isFinite }) else { continue }
            var top = -Double.infinity
            for j in 0..<m {
                var d2 = 0.0
                for k in 0..<d {
                    let e = x[k] - Double(reference.values[j * d + k])
                    d2 += e * e
                }
                terms[j] = -d2 / (2 * h * h)
                top = max(top, terms[j])
            }
            var z = 0.0
            for j in 0..<m { z += exp(terms[j] - top) }
            total += -(top + log(z) + logNorm)
            count += 1
        }
        return count > 0 ? total / Double(count) : .nan
    }
}
