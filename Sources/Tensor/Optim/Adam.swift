/// Adam / AdamW (Kingma & Ba 2015; Loshchilov & Hutter 2019), updating parameters in place.
///
/// Per step t with gradient g: m ← β1 m + (1-β1) g, v ← β2 v + (1-β2) g²,
/// p ← p - (lr / (1-β1^t)) · m / (√v / √(1-β2^t) + ε) — PyTorch's arrangement of the same formula.
/// Weight decay: Adam adds `wd · p` to g; AdamW (`decoupled`) first scales p by (1 - lr · wd).
public final class Adam {
    /// The tensors updated in place.
    public let parameters: [Tensor]
    /// Learning rate.
    public var lr: Float
    /// Decay rates of the first and second moments.
    public let beta1: Float, beta2: Float
    /// Added to the denominator.
    public let eps: Float
    /// Weight decay coefficient.
    public let weightDecay: Float
    /// AdamW's decoupled decay instead of L2 added to the gradient.
    public let decoupled: Bool
    /// Steps taken.
    public private(set) var step = 0
    private var m: [[Float]]
    private var v: [[Float]]

    /// An optimiser for `parameters` (PyTorch defaults: betas 0.9, 0.999; eps 1e-8).
    public init(_ parameters: [Tensor], lr: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                eps: Float = 1e-8, weightDecay: Float = 0, decoupled: Bool = false) {
        self.parameters = parameters
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        m = parameters.map { [Float](repeating: 0, count: $0.count) }
        v = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    /// One update with `grads[i]` the gradient of parameter i (same shapes).
    public func update(_ grads: [Tensor]) {
        precondition(grads.count == parameters.count, "Adam: \(grads.count) gradients for \(parameters.count) parameters")
        step += 1
        let bc1 = 1 - Float(Double(beta1).pow(step))
        let bc2 = 1 - Float(Double(beta2).pow(step))
        let stepSize = lr / bc1
        let bc2Sqrt = bc2.squareRoot()
        let (b1, b2, eps, wd, lr, decoupled) = (beta1, beta2, eps, weightDecay, lr, decoupled)
        for (k, p) in parameters.enumerated() {
            precondition(grads[k].count == p.count, "Adam: gradient \(grads[k].shape) for parameter \(p.shape)")
            let gp = grads[k].storage.pointer, pp = p.storage.pointer
            m[k].withUnsafeMutableBufferPointer { mb in
                v[k].withUnsafeMutableBufferPointer { vb in
                    var start = 0
                    if wd == 0, let mp = mb.baseAddress, let vp = vb.baseAddress {
                        // Eight lanes at a time, the same operations in the same order as
                        // the scalar loop below (so the same results), which the compiler
                        // leaves scalar.
                        start = p.count / 8 * 8
                        adamLanes(count: start, g: gp, p: pp, m: mp, v: vp,
                                  constants: AdamConstants(b1: b1, b2: b2, eps: eps, stepSize: stepSize, bc2Sqrt: bc2Sqrt))
                    }
                    for i in start..<p.count {
                        var g = gp[i]
                        if wd != 0 {
                            if decoupled { pp[i] *= 1 - lr * wd } else { g += wd * pp[i] }
                        }
                        mb[i] = b1 * mb[i] + (1 - b1) * g
                        vb[i] = b2 * vb[i] + (1 - b2) * g * g
                        pp[i] -= stepSize * mb[i] / (vb[i].squareRoot() / bc2Sqrt + eps)
                    }
                }
            }
        }
    }
}

/// The per-step constants of an Adam update.
private struct AdamConstants {
    let b1: Float, b2: Float, eps: Float, stepSize: Float, bc2Sqrt: Float
}

/// The Adam update without weight decay on elements `0..<count` (a multiple of 8), in
/// eight-float vectors: per element exactly the scalar loop's operations.
private func adamLanes(count: Int, g: UnsafePointer<Float>, p: UnsafeMutablePointer<Float>,
                       m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, constants c: AdamConstants) {
    typealias V = SIMD8<Float>
    let b1 = V(repeating: c.b1), b2 = V(repeating: c.b2)
    let a1 = V(repeating: 1 - c.b1), a2 = V(repeating: 1 - c.b2)
    let step = V(repeating: c.stepSize), bc = V(repeating: c.bc2Sqrt), eps = V(repeating: c.eps)
    let gr = UnsafeRawPointer(g), pr = UnsafeMutableRawPointer(p)
    let mr = UnsafeMutableRawPointer(m), vr = UnsafeMutableRawPointer(v)
    for i in stride(from: 0, to: count, by: 8) {
        let o = i * MemoryLayout<Float>.stride
        let gi = gr.loadUnaligned(fromByteOffset: o, as: V.self)
        let mi = b1 * mr.loadUnaligned(fromByteOffset: o, as: V.self) + a1 * gi
        let vi = b2 * vr.loadUnaligned(fromByteOffset: o, as: V.self) + a2 * gi * gi
        let pi = pr.loadUnaligned(fromByteOffset: o, as: V.self) - step * mi / (vi.squareRoot() / bc + eps)
        mr.storeBytes(of: mi, toByteOffset: o, as: V.self)
        vr.storeBytes(of: vi, toByteOffset: o, as: V.self)
        pr.storeBytes(of: pi, toByteOffset: o, as: V.self)
    }
}

private extension Double {
    func pow(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= self }
        return r
    }
}

/// Scales gradients so their global L2 norm is at most `maxNorm` (PyTorch `clip_grad_norm_`).
///
/// norm = sqrt(sum_i ||g_i||²); when norm > maxNorm every g_i is multiplied by maxNorm / (norm + 1e-6).
/// Returns the clipped gradients and the norm before clipping.
public func clipGradientNorm(_ grads: [Tensor], maxNorm: Float) -> ([Tensor], Float) {
    var total = 0.0
    for g in grads {
        let p = g.storage.pointer
        for i in 0..<g.count { total += Double(p[i]) * Double(p[i]) }
    }
    let norm = Float(total.squareRoot())
    let coef = maxNorm / (norm + 1e-6)
    if coef >= 1 { return (grads, norm) }
    return (withoutGrad { grads.map { $0.detach() * coef } }, norm)
}
