extension Tensor {
    /// softplus(x) = log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) so it never overflows.
    public func softplus() -> Tensor { relu() + ((-abs()).exp() + 1).log() }

    /// log σ(x) = -softplus(-x), stable for large |x|.
    public func logSigmoid() -> Tensor { -((-self).softplus()) }

    /// Average pooling with window = stride = `window` over the last `window.count` axes (extents must divide).
    public func avgPool(_ window: [Int]) -> Tensor {
        let k = window.count
        let lead = Array(shape.dropLast(k))
        var split: [Int] = lead
        var axes: [Int] = []
        for (i, w) in window.enumerated() {
            let n = shape[rank - k + i]
            precondition(n % w == 0, "avgPool: extent \(n) not divisible by window \(w)")
            split += [n / w, w]
            axes.append(lead.count + 2 * i + 1)
        }
        if window.allSatisfy({ $0 == 1 }) { return self }
        return reshape(split).mean(axes: axes)
    }
}

/// Mean over the batch of binary cross-entropy with logits: mean(softplus(h) - y h).
///
/// Equal to -[y log σ(h) + (1-y) log(1-σ(h))], computed stably (PyTorch `binary_cross_entropy_with_logits`).
public func binaryCrossEntropyWithLogits(_ logits: Tensor, _ targets: Tensor) -> Tensor {
    (logits.softplus() - logits * targets).mean()
}

/// Mean squared error mean((a - b)^2).
public func meanSquaredError(_ a: Tensor, _ b: Tensor) -> Tensor {
    let d = a - b
    return (d * d).mean()
}

/// Layer normalisation over the last axis: (x - mean) · (var + eps)^-1/2, biased variance,
/// then `* weight + bias` when given (PyTorch `F.layer_norm`).
public func layerNorm(_ x: Tensor, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    let mu = x.mean(axes: [-1], keepDims: true)
    let d = x - mu
    let v = mulSum(d, d, axes: [x.rank - 1]) * (1 / Float(x.shape[x.rank - 1]))
    var y = d * (v + eps).pow(-0.5)
    if let weight { y = y * weight }
    if let bias { y = y + bias }
    return y
}

/// Group normalisation of x `[B, C, ...]` over groups of C/groups channels and all positions,
/// then per-channel `* weight + bias` when given (PyTorch `F.group_norm`, biased variance).
public func groupNorm(_ x: Tensor, groups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Float = 1e-5) -> Tensor {
    let b = x.shape[0], c = x.shape[1]
    precondition(c % groups == 0, "groupNorm: \(c) channels in \(groups) groups")
    let g = x.reshape([b, groups, x.count / (b * groups)])
    let mu = g.mean(axes: [2], keepDims: true)
    let d = g - mu
    let v = mulSum(d, d, axes: [2]) * (1 / Float(g.shape[2]))
    let rstd = (v + eps).pow(-0.5)
    let chan = [1, c] + [Int](repeating: 1, count: x.rank - 2)
    var y: Tensor
    if let weight {
        // fold rstd (per sample and group) and weight (per channel) into one small factor,
        // so the full-size tensor is multiplied once: y = (x - mean) · (rstd · weight)
        let perChannel = rstd.expand(to: [b, groups, c / groups]).reshape([b, c] + Array(chan.dropFirst(2)))
        y = d.reshape(x.shape) * (perChannel * weight.reshape(chan))
    } else {
        y = (d * rstd).reshape(x.shape)
    }
    if let bias { y = y + bias.reshape(chan) }
    return y
}
