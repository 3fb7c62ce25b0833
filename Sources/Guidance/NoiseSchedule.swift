import Foundation

/// A discrete-time variance-preserving (DDPM) noise schedule over steps `0..<T`.
///
/// `abar_t = prod_{s<=t} (1 - beta_s)`, `alpha_t = sqrt(abar_t)`, `sigma_t = sqrt(1 - abar_t)`,
/// and the forward process is `q(x_t | x_0) = N(alpha_t x_0, sigma_t^2 I)`.
/// All quantities are kept in `Double`.
public struct NoiseSchedule: Sendable, Equatable {
    /// `beta_t` for `t = 0..<T`.
    public let betas: [Double]
    /// `abar_t = prod_{s<=t} (1 - beta_s)`.
    public let alphaBars: [Double]

    /// Creates a schedule from explicit betas, each in (0, 1).
    public init(betas: [Double]) throws {
        guard !betas.isEmpty else {
            throw GuidanceError.invalidConfiguration("a noise schedule needs at least one step")
        }
        guard betas.allSatisfy({ $0 > 0 && $0 < 1 }) else {
            throw GuidanceError.invalidConfiguration("every beta must lie in (0, 1)")
        }
        self.init(validBetas: betas)
    }

    private init(validBetas betas: [Double]) {
        self.betas = betas
        var acc = 1.0
        alphaBars = betas.map { b in acc *= (1 - b); return acc }
    }

    /// The "linear" schedule: `beta` evenly spaced from `betaStart` to `betaEnd` over `steps`.
    public static func linear(steps: Int, betaStart: Double = 1e-4, betaEnd: Double = 0.02) throws -> NoiseSchedule {
        try NoiseSchedule(betas: evenlySpaced(betaStart, betaEnd, steps))
    }

    /// The "scaled linear" schedule of latent models: `sqrt(beta)` evenly spaced from
    /// `sqrt(betaStart)` to `sqrt(betaEnd)`, then squared.
    public static func scaledLinear(steps: Int, betaStart: Double = 0.00085, betaEnd: Double = 0.012) throws -> NoiseSchedule {
        try NoiseSchedule(betas: evenlySpaced(betaStart.squareRoot(), betaEnd.squareRoot(), steps).map { $0 * $0 })
    }

    /// The toy experiment's schedule: linear, 500 steps, beta from 1e-4 to 0.02.
    public static func toy() -> NoiseSchedule {
        NoiseSchedule(validBetas: (0..<500).map { 1e-4 + (0.02 - 1e-4) * Double($0) / 499 })
    }

    private static func evenlySpaced(_ a: Double, _ b: Double, _ n: Int) throws -> [Double] {
        guard n >= 1 else { throw GuidanceError.invalidConfiguration("steps must be at least 1, got \(n)") }
        if n == 1 { return [a] }
        return (0..<n).map { a + (b - a) * Double($0) / Double(n - 1) }
    }

    /// The number of steps T.
    public var steps: Int { betas.count }

    /// `alpha_t = sqrt(abar_t)`, the signal scale of step t.
    public func alpha(_ t: Int) -> Double { alphaBars[t].squareRoot() }

    /// `sigma_t = sqrt(1 - abar_t)`, the noise scale of step t.
    public func sigma(_ t: Int) -> Double { (1 - alphaBars[t]).squareRoot() }

    /// `abar_{t-1}`, with `abar_{-1} = 1`.
    public func alphaBarPrevious(_ t: Int) -> Double { t == 0 ? 1 : alphaBars[t - 1] }

    /// The DDPM posterior variance `beta~_t = beta_t (1 - abar_{t-1}) / (1 - abar_t)`
    /// ("fixed small"; zero at t = 0).
    public func posteriorVariance(_ t: Int) -> Double {
        betas[t] * (1 - alphaBarPrevious(t)) / (1 - alphaBars[t])
    }

    /// Forward noising `x_t = alpha_t x_0 + sigma_t eps` with the given noise.
    public func noised(_ x0: Batch, step t: Int, noise: Batch) throws -> Batch {
        try x0.checkSameShape(as: noise, "noise")
        guard (0..<steps).contains(t) else {
            throw GuidanceError.invalidConfiguration("step \(t) outside 0..<\(steps)")
        }
        return x0.combined(alpha(t), sigma(t), noise)
    }

    /// Forward noising with fresh standard normal noise; returns `(x_t, eps)`.
    public func noised(_ x0: Batch, step t: Int, using rng: inout SeededRNG) throws -> (xt: Batch, noise: Batch) {
        let eps = Batch.standardNormal(shape: x0.shape, using: &rng)
        return (try noised(x0, step: t, noise: eps), eps)
    }
}
