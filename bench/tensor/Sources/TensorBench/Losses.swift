import Tensor

/// Toy discriminator full loss (toy_torch.py `disc_step`, mode "full", lambda `lam`):
/// L = BCE(h_r, 1) + BCE(h_f, 0) + lam · mean_b ||e_r - e_base - r||², r = -σ_t ∇_x Σ logit_e(D(x_r, t)).
/// `xr` must be a leaf that requires gradients. Returns the loss, h_r and ∇_x.
func toyFullLoss(_ d: AdaMLP, xr: Tensor, tr: [Int], xf: Tensor, tf: [Int], er: Tensor, eb: Tensor,
                 sigmaR: Tensor, lam: Float) -> (Tensor, Tensor, Tensor) {
    let hr = d(xr, tr)
    let g = gradient(of: stableLogit(hr).sum(), wrt: [xr], createGraph: true)[0]
    let r = -(sigmaR * g)
    let diff = er - eb - r
    let dsm = (diff * diff).sum(axes: [1]).mean()
    let hf = d(xf, tf)
    let disc = binaryCrossEntropyWithLogits(hr, Tensor.ones(hr.shape)) + binaryCrossEntropyWithLogits(hf, Tensor.zeros(hf.shape))
    return (disc + lam * dsm, hr, g)
}

/// Conv discriminator full loss (conv_disc_torch.py `full_step`):
/// L = BCE(h_r, 1) + BCE(h_f, 0) + lam (MSE(-σ ∇_a, e_a) + MSE(-σ ∇_v, e_v)), gradients of Σ stable_logit(h_r).
/// `a` and `v` must be leaves that require gradients. Returns the loss, h_r, ∇_a and ∇_v.
func convFullLoss(_ d: ConvDisc, a: Tensor, v: Tensor, tr: [Int], af: Tensor, vf: Tensor, tf: [Int],
                  eresA: Tensor, eresV: Tensor, sigma: [Float], lam: Float) -> (Tensor, Tensor, Tensor, Tensor) {
    let hr = d(a, v, tr)
    let hf = d(af, vf, tf)
    let ld = binaryCrossEntropyWithLogits(hr, Tensor.ones(hr.shape)) + binaryCrossEntropyWithLogits(hf, Tensor.zeros(hf.shape))
    let gs = gradient(of: stableLogit(hr).sum(), wrt: [a, v], createGraph: true)
    let b = sigma.count
    let sa = Tensor(shape: [b, 1, 1], data: sigma.map { -$0 })
    let sv = Tensor(shape: [b, 1, 1, 1, 1], data: sigma.map { -$0 })
    let ldsm = meanSquaredError(sa * gs[0], eresA) + meanSquaredError(sv * gs[1], eresV)
    return (ld + lam * ldsm, hr, gs[0], gs[1])
}

/// Guidance: logits and the input-gradients of Σ stable_logit(h) (no second-order graph).
func convGuide(_ d: ConvDisc, a: Tensor, v: Tensor, t: [Int]) -> [Tensor] {
    let h = d(a, v, t)
    return gradient(of: stableLogit(h).sum(), wrt: [a, v])
}
