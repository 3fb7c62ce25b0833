import Tensor

/// Adam (PyTorch defaults, betas 0.9/0.999, eps 1e-8) whose moments are tensors, so a
/// checkpoint can save and restore them (`exp_avg`, `exp_avg_sq`) with the step count.
public final class BaseModelAdam {
    /// The parameters updated in place.
    public let parameters: [Tensor]
    /// First moments, one per parameter.
    public let expAvg: [Tensor]
    /// Second moments, one per parameter.
    public let expAvgSq: [Tensor]
    /// Learning rate.
    public var lr: Float
    /// Updates taken so far.
    public var step: Int

    /// An optimiser with zero moments.
    public init(_ parameters: [Tensor], lr: Float) {
        self.parameters = parameters
        expAvg = parameters.map { Tensor.zeros($0.shape) }
        expAvgSq = parameters.map { Tensor.zeros($0.shape) }
        self.lr = lr
        step = 0
    }

    /// One Adam update: m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g²,
    /// p ← p − lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε).
    public func update(_ grads: [Tensor]) {
        precondition(grads.count == parameters.count, "Adam: \(grads.count) gradients for \(parameters.count) parameters")
        step += 1
        let (b1, b2, eps): (Float, Float, Float) = (0.9, 0.999, 1e-8)
        let bc1 = Float(1 - power(0.9, step)), bc2Sqrt = Float((1 - power(0.999, step)).squareRoot())
        let stepSize = lr / bc1
        for k in parameters.indices {
            grads[k].withUnsafeBufferPointer { g in
                parameters[k].withUnsafeMutableBufferPointer { p in
                    expAvg[k].withUnsafeMutableBufferPointer { m in
                        expAvgSq[k].withUnsafeMutableBufferPointer { v in
                            for i in 0..<p.count {
                                m[i] = b1 * m[i] + (1 - b1) * g[i]
                                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                                p[i] -= stepSize * m[i] / (v[i].squareRoot() / bc2Sqrt + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `base^n` in Double by repeated multiplication (exact for the step counts used).
private func power(_ base: Double, _ n: Int) -> Double {
    var r = 1.0
    for _ in 0..<n { r *= base }
    return r
}
