import Tensor

/// silu(groupNorm(x)): the norm-then-activation pair that opens every VAE ResNet half and closes the encoder and decoder.
func normSiLU(_ norm: GroupNorm, _ x: Tensor) -> Tensor {
    groupNormInference(x, groups: norm.groups, weight: norm.weight, bias: norm.bias, eps: norm.eps, silu: true)
}

/// Nearest-neighbour ×2 upsampling of `[B, C, H, W]` to `[B, C, 2H, 2W]` (PyTorch `interpolate(scale_factor=2, mode="nearest")`).
func upsampleNearest2x(_ x: Tensor) -> Tensor {
    let b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3]
    return x.reshape([b, c, h, 1, w, 1]).expand(to: [b, c, h, 2, w, 2]).reshape([b, c, 2 * h, 2 * w])
}

/// Softmax along the last axis, shifted by the row maximum.
func softmaxLastAxis(_ x: Tensor) -> Tensor {
    let e = (x - x.max(axes: [-1], keepDims: true)).exp()
    return e / e.sum(axes: [-1], keepDims: true)
}
