import Foundation

/// silu(groupNorm(x)) (or the norm alone) for inference, in two passes over x and no history.
///
/// Same map as `groupNorm(x, ...)` followed by `.silu()`: per sample and group the biased mean
/// and variance (accumulated in Double), then y = x · a_c + b_c with a_c = rstd · weight_c and
/// b_c = bias_c - mean · a_c, then x σ(x) when `silu`. When history would be recorded (grad mode
/// on and an input requires gradients) it falls back to the differentiable composite.
public func groupNormInference(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float, silu: Bool) -> Tensor {
    if GradMode.enabled && (x.requiresGrad || weight?.requiresGrad == true || bias?.requiresGrad == true) {
        let y = groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps)
        return silu ? y.silu() : y
    }
    let b = x.shape[0], c = x.shape[1]
    precondition(c % groups == 0, "groupNorm: \(c) channels in \(groups) groups")
    let inner = x.count / (b * c), per = c / groups
    let out = Storage(count: x.count)
    let px = UnsafePointer(x.storage.pointer), py = out.pointer
    let pw = weight.map { UnsafePointer($0.storage.pointer) }, pb = bias.map { UnsafePointer($0.storage.pointer) }
    // statistics per (sample, group), one task per group
    var scale = [Float](repeating: 0, count: b * c), shift = [Float](repeating: 0, count: b * c)
    scale.withUnsafeMutableBufferPointer { sc in
        shift.withUnsafeMutableBufferPointer { sh in
            guard let psc = sc.baseAddress, let psh = sh.baseAddress else { return }
            let box = UncheckedSendableBox((psc, psh))
            parallelRanges(b * groups, grain: 1) { r in
                let (a, s) = box.value
                for bg in r {
                    let base = px + bg * per * inner, n = per * inner
                    var sum = 0.0
                    for i in 0..<n { sum += Double(base[i]) }
                    let mean = sum / Double(n)
                    var sq = 0.0
                    for i in 0..<n { let d = Double(base[i]) - mean; sq += d * d }
                    let rstd = 1 / (sq / Double(n) + Double(eps)).squareRoot()
                    let g = bg % groups, bi = bg / groups
                    for ch in (g * per)..<((g + 1) * per) {
                        let w = Double(pw?[ch] ?? 1), bb = Double(pb?[ch] ?? 0)
                        a[bi * c + ch] = Float(rstd * w)
                        s[bi * c + ch] = Float(bb - mean * rstd * w)
                    }
                }
            }
        }
    }
    scale.withUnsafeBufferPointer { sc in
        shift.withUnsafeBufferPointer { sh in
            guard let psc = sc.baseAddress, let psh = sh.baseAddress else { return }
            let box = UncheckedSendableBox((psc, psh))
            parallelRanges(b * c, grain: max(1, (1 << 15) / max(inner, 1))) { r in
                let (a, s) = box.value
                for row in r {
                    let src = px + row * inner, dst = py + row * inner
                    let m = a[row], k = s[row]
                    if silu {
                        for i in 0..<inner { let v = src[i] * m + k; dst[i] = v / (1 + fastExp(-v)) }
                    } else {
                        for i in 0..<inner { dst[i] = src[i] * m + k }
                    }
                }
            }
        }
    }
    return Tensor(shape: x.shape, storage: out)
}

/// A conv layer's output for inference: 3×3 stride-1 padding-1 2-D convs by Winograd F(2×2, 3×3)
/// (`winogradConv3x3Kernel`), others by `conv`; the bias is added. When history would be
/// recorded it is exactly `layer(x)`. Winograd changes the rounding, not the map (about 1e-6 relative).
public func convInference(_ layer: Conv, _ x: Tensor) -> Tensor {
    let g = layer.geometry
    let tracked = GradMode.enabled && (x.requiresGrad || layer.weight.requiresGrad || layer.bias?.requiresGrad == true)
    guard !tracked, g.kernel == [3, 3], g.stride == [1, 1], g.padding == [1, 1], g.dilation == [1, 1], x.rank == 4,
          x.shape[1] == layer.weight.shape[1] else { return layer(x) }
    let (s, shape) = winogradConv3x3Kernel(x, layer.weight, bias: layer.bias)
    return Tensor(shape: shape, storage: s)
}
