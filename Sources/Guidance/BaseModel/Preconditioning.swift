/// Per-step coefficients of a preconditioned epsilon model (Karras et al. 2022's skip and
/// output scaling, written for epsilon on a variance-preserving schedule).
///
/// With `x_t = a x0 + s eps`, data deviation `d` and `v = a² d² + s²` (the variance of x_t):
/// `c_in = 1 / √v`, `c_skip = s / v` (the best linear guess of eps from x_t), and
/// `c_out = a d / √v` (the deviation of what that guess misses). The network's output F
/// gives `eps = c_skip x_t + c_out F`, and is trained on `(eps - c_skip x_t) / c_out`, a
/// unit-variance target at every t: at large t, where `a` is small, an error in F moves
/// the x0 estimate `(x_t - s eps) / a` by only `d · s / √v` times that error.
public struct Preconditioning: Sendable {
    /// Input scale per diffusion step.
    public let cIn: [Float]
    /// Skip coefficient per step.
    public let cSkip: [Float]
    /// Output scale per step.
    public let cOut: [Float]
    /// Training weight per step, `1 / c_out`: makes the target of F unit-variance.
    public var lossWeight: [Float] { cOut.map { 1 / $0 } }

    /// The coefficients of the linear schedule over `steps` for data deviation `dataStd` (> 0).
    public init(steps: Int, dataStd: Float) throws {
        let schedule = try NoiseSchedule.linear(steps: steps)
        let d = Double(dataStd)
        var cIn: [Float] = [], cSkip: [Float] = [], cOut: [Float] = []
        for ab in schedule.alphaBars {
            let (a, s) = (ab.squareRoot(), (1 - ab).squareRoot())
            let v = a * a * d * d + s * s
            cIn.append(Float(1 / v.squareRoot()))
            cSkip.append(Float(s / v))
            cOut.append(Float(a * d / v.squareRoot()))
        }
        (self.cIn, self.cSkip, self.cOut) = (cIn, cSkip, cOut)
    }
}
