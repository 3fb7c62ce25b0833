import Foundation

/// A discriminator's answer for a batch of modality tuples: per-sample logits and their
/// input-gradients.
public struct DiscriminatorOutput: Sendable {
    /// The logit `h_b` per sample (real = jointly drawn), length B.
    public var logits: [Double]
    /// `d(sum_b h_b) / d x_m` per modality m, each shaped like the input `x[m]`. Because the
    /// samples of a batch are independent this is, per sample, `d h_b / d x_{m,b}`.
    public var gradients: [Batch]

    /// Bundles logits and gradients.
    public init(logits: [Double], gradients: [Batch]) {
        self.logits = logits
        self.gradients = gradients
    }
}

/// A discriminator `D(x_1, ..., x_M, t[, c])` over noisy modality tuples (for MMDisCo:
/// audio and video), giving its raw logit h and the input-gradient of h.
///
/// The discriminator supplies `dh/dx` only; `JointGuidance` applies the chain rule to the
/// stabilised logit it actually differentiates (see `LogitTransform`).
public protocol Discriminator {
    /// The logits of the pairs `x` at integer step `step` and their input-gradients.
    func logitsAndGradients(_ x: [Batch], step: Int, condition: Condition?) throws -> DiscriminatorOutput
}

/// The function of the discriminator logit whose input-gradient becomes the residual.
public enum LogitTransform: Sendable, Equatable {
    /// The released code's stable logit: `p = sigmoid(h)`,
    /// `logit_e = log(p + eps) - log(1 - p + eps)` (eps = 1e-5), which saturates at about
    /// `+-log(1/eps)`; its derivative is `p (1 - p) [1/(p + eps) + 1/(1 - p + eps)]`.
    case stable(epsilon: Double)
    /// The raw logit h itself (derivative 1): exact for the analytic optimal discriminator,
    /// whose logits grow without bound.
    case identity

    /// The released code's choice, `stable(epsilon: 1e-5)`.
    public static let released = LogitTransform.stable(epsilon: 1e-5)

    /// The transformed logit value.
    public func value(_ h: Double) -> Double {
        switch self {
        case .identity: return h
        case .stable(let e):
            let (p, q) = Self.sigmoidPair(h)
            return log(p + e) - log(q + e)
        }
    }

    /// The derivative of the transformed logit with respect to h.
    public func derivative(_ h: Double) -> Double {
        switch self {
        case .identity: return 1
        case .stable(let e):
            let (p, q) = Self.sigmoidPair(h)
            return p * q * (1 / (p + e) + 1 / (q + e))
        }
    }

    /// `(sigmoid(h), 1 - sigmoid(h))`, each computed without cancellation.
    private static func sigmoidPair(_ h: Double) -> (Double, Double) {
        if h >= 0 {
            let z = exp(-h)
            return (1 / (1 + z), z / (1 + z))
        } else {
            let z = exp(h)
            return (z / (1 + z), 1 / (1 + z))
        }
    }
}
