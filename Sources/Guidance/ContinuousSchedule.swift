import Foundation

/// The continuous-time view of a discrete schedule that DPM-Solver integrates over
/// (dpm-solver's `NoiseScheduleVP('discrete')`).
///
/// Step `n = 0..<N` sits at time `t_n = (n + 1) / N`, so `t` runs over `[1/N, 1]`;
/// `log alpha(t)` is the piecewise-linear interpolation of `0.5 log abar_n` over these
/// knots (extended linearly outside). Then `sigma(t) = sqrt(1 - alpha(t)^2)` and the
/// half-logSNR `lambda(t) = log alpha(t) - log sigma(t)`, which decreases in t and has
/// an exact piecewise inverse. As in dpm-solver, trailing steps with
/// `lambda < -5.1` are dropped (this never happens for the usual linear schedules).
public struct ContinuousSchedule: Sendable {
    /// The discrete schedule this interpolates.
    public let discrete: NoiseSchedule
    /// The number of knots N kept after the lambda clip.
    public let totalN: Int
    /// `0.5 log abar_n` for the kept steps (decreasing).
    public let logAlphas: [Double]
    /// The knot times `(n + 1) / N` (increasing).
    public let times: [Double]

    /// Builds the interpolation; the discrete schedule needs at least two steps.
    public init(_ discrete: NoiseSchedule, clippedLambda: Double = -5.1) throws {
        var la = discrete.alphaBars.map { 0.5 * log($0) }
        let lambdas = la.map { $0 - 0.5 * log(-expm1(2 * $0)) }
        let dropped = lambdas.filter { $0 < clippedLambda }.count
        la.removeLast(dropped)
        guard la.count >= 2 else {
            throw GuidanceError.invalidConfiguration("the continuous-time schedule needs at least two steps")
        }
        self.discrete = discrete
        self.logAlphas = la
        self.totalN = la.count
        self.times = (0..<la.count).map { Double($0 + 1) / Double(la.count) }
    }

    /// The earliest time `1/N`, where sampling ends (model step 0).
    public var tEnd: Double { 1 / Double(totalN) }

    /// `log alpha(t)`, piecewise linear in t.
    public func logAlpha(_ t: Double) -> Double {
        ContinuousSchedule.interpolate(t, xs: times, ys: logAlphas)
    }

    /// `alpha(t) = exp(log alpha(t))`.
    public func alpha(_ t: Double) -> Double { exp(logAlpha(t)) }

    /// `sigma(t) = sqrt(1 - alpha(t)^2)`.
    public func sigma(_ t: Double) -> Double { (-expm1(2 * logAlpha(t))).squareRoot() }

    /// `lambda(t) = log alpha(t) - log sigma(t)`.
    public func lambda(_ t: Double) -> Double {
        let la = logAlpha(t)
        return la - 0.5 * log(-expm1(2 * la))
    }

    /// The time t with `lambda(t) = l`: `log alpha = -0.5 log(1 + e^{-2l})`, then the
    /// piecewise-linear inverse of `log alpha(t)`.
    public func inverseLambda(_ l: Double) -> Double {
        let x = -2 * l
        let softplus = x > 0 ? x + log1p(exp(-x)) : log1p(exp(x))
        let la = -0.5 * softplus
        return ContinuousSchedule.interpolate(la, xs: logAlphas.reversed(), ys: times.reversed())
    }

    /// The model's integer step for time t: `int((t - 1/N) * N)`, clamped to `0..<N`.
    /// A tolerance of 1e-6 steps keeps knot times from truncating to the step below
    /// through rounding (for N = 1000 this is the spec's `int((t - 1e-3) * 1000)`).
    public func modelStep(_ t: Double) -> Int {
        let n = Double(totalN)
        let s = Int(((t - 1 / n) * n + 1e-6).rounded(.down))
        return min(max(s, 0), totalN - 1)
    }

    /// `n + 1` sampling times from `tStart` down to `tEnd` (dpm-solver `get_time_steps`).
    public func timeSteps(_ spacing: TimeSpacing, from tStart: Double, to tEnd: Double, count n: Int) -> [Double] {
        switch spacing {
        case .logSNR:
            let l0 = lambda(tStart), l1 = lambda(tEnd)
            return (0...n).map { i in
                inverseLambda(l0 + (l1 - l0) * Double(i) / Double(n))
            }
        case .timeUniform:
            return (0...n).map { i in tStart + (tEnd - tStart) * Double(i) / Double(n) }
        case .timeQuadratic:
            let a = tStart.squareRoot(), b = tEnd.squareRoot()
            return (0...n).map { i in
                let r = a + (b - a) * Double(i) / Double(n)
                return r * r
            }
        }
    }

    /// Piecewise-linear interpolation through increasing knots `xs`, extended linearly
    /// beyond the ends with the first or last segment.
    static func interpolate(_ x: Double, xs: [Double], ys: [Double]) -> Double {
        let k = xs.count
        var lo = 0, hi = k - 1
        if x <= xs[0] {
            lo = 0; hi = 1
        } else if x >= xs[k - 1] {
            lo = k - 2; hi = k - 1
        } else {
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if xs[mid] <= x { lo = mid } else { hi = mid }
            }
        }
        let w = (x - xs[lo]) / (xs[hi] - xs[lo])
        return ys[lo] + w * (ys[hi] - ys[lo])
    }
}

/// How DPM-Solver spaces its time steps between `t = 1` and `t = 1/N`.
public enum TimeSpacing: String, Sendable, CaseIterable {
    /// Uniform in the half-logSNR lambda (recommended for low-resolution data; the spec's choice).
    case logSNR
    /// Uniform in t.
    case timeUniform
    /// Uniform in sqrt(t).
    case timeQuadratic
}
