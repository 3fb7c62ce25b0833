import Tensor

/// A 3×3 conv with padding 1, the VAE's default (weights zero until loaded).
func conv3x3(_ cin: Int, _ cout: Int, stride: Int = 1, padding: Int = 1) -> Conv {
    var rng = Xoshiro256(seed: 0)
    return Conv(cin, cout, kernel: [3, 3], stride: [stride, stride], padding: [padding, padding], zeroInit: true, rng: &rng)
}

/// A 1×1 conv (weights zero until loaded).
func conv1x1(_ cin: Int, _ cout: Int) -> Conv {
    var rng = Xoshiro256(seed: 0)
    return Conv(cin, cout, kernel: [1, 1], zeroInit: true, rng: &rng)
}

/// The VAE's GroupNorm: affine, eps 1e-6 (diffusers passes `resnet_eps=1e-6` and `eps=1e-6` everywhere in the VAE).
func vaeNorm(_ groups: Int, _ channels: Int) -> GroupNorm { GroupNorm(groups: groups, channels: channels, eps: 1e-6) }

/// diffusers `ResnetBlock2D` without a time embedding: x + conv2(silu(norm2(conv1(silu(norm1(x)))))),
/// with a 1×1 `conv_shortcut` on x when the channel count changes; dropout is inactive in inference.
final class ResnetBlock: Module {
    let norm1: GroupNorm, conv1: Conv, norm2: GroupNorm, conv2: Conv
    let shortcut: Conv?

    init(_ cin: Int, _ cout: Int, groups: Int) {
        norm1 = vaeNorm(groups, cin)
        conv1 = conv3x3(cin, cout)
        norm2 = vaeNorm(groups, cout)
        conv2 = conv3x3(cout, cout)
        shortcut = cin == cout ? nil : conv1x1(cin, cout)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let h = convInference(conv2, normSiLU(norm2, convInference(conv1, normSiLU(norm1, x))))
        return (shortcut?(x) ?? x) + h
    }

    func namedParameters() -> [(String, Tensor)] {
        prefixed("norm1", norm1) + prefixed("conv1", conv1) + prefixed("norm2", norm2) + prefixed("conv2", conv2)
            + (shortcut.map { prefixed("conv_shortcut", $0) } ?? [])
    }
}

/// diffusers `Downsample2D` as the VAE encoder uses it: zero-pad one row at the bottom and one
/// column at the right (F.pad (0, 1, 0, 1)), then a 3×3 conv with stride 2 and no padding.
final class Downsample: Module {
    let conv: Conv

    init(_ channels: Int) { conv = conv3x3(channels, channels, stride: 2, padding: 0) }

    func callAsFunction(_ x: Tensor) -> Tensor {
        conv(x.pad(before: [0, 0, 0, 0], after: [0, 0, 1, 1]))
    }

    func namedParameters() -> [(String, Tensor)] { prefixed("conv", conv) }
}

/// diffusers `Upsample2D` as the VAE decoder uses it: nearest-neighbour ×2, then a 3×3 conv.
final class Upsample: Module {
    let conv: Conv

    init(_ channels: Int) { conv = conv3x3(channels, channels) }

    func callAsFunction(_ x: Tensor) -> Tensor { convInference(conv, upsampleNearest2x(x)) }

    func namedParameters() -> [(String, Tensor)] { prefixed("conv", conv) }
}

/// Single-head self-attention over all positions with a GroupNorm in front and a residual
/// connection (diffusers `Attention` with `heads = 1`, `dim_head = C`, `residual_connection`,
/// `rescale_output_factor` 1): x + to_out(softmax(q kᵀ / √C) v).
final class SelfAttention: Module {
    let norm: GroupNorm
    let toQ: Linear, toK: Linear, toV: Linear, toOut: Linear

    init(_ channels: Int, groups: Int) {
        var rng = Xoshiro256(seed: 0)
        norm = vaeNorm(groups, channels)
        toQ = Linear(channels, channels, zeroInit: true, rng: &rng)
        toK = Linear(channels, channels, zeroInit: true, rng: &rng)
        toV = Linear(channels, channels, zeroInit: true, rng: &rng)
        toOut = Linear(channels, channels, zeroInit: true, rng: &rng)
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        let b = x.shape[0], c = x.shape[1], hw = x.shape[2] * x.shape[3]
        // [B, C, HW] -> [B, HW, C]: one row per position
        let h = groupNormInference(x, groups: norm.groups, weight: norm.weight, bias: norm.bias, eps: norm.eps, silu: false)
            .reshape([b, c, hw]).transposed
        let q = toQ(h), k = toK(h), v = toV(h)
        let scores = matmul(q, k, transB: true) * (1 / Float(c).squareRoot())
        let p = softmaxLastAxis(scores)
        let o = toOut(matmul(p, v))
        return x + o.transposed.reshape(x.shape)
    }

    func namedParameters() -> [(String, Tensor)] {
        prefixed("group_norm", norm) + prefixed("to_q", toQ) + prefixed("to_k", toK) + prefixed("to_v", toV)
            + prefixed("to_out.0", toOut)
    }
}

/// diffusers `UNetMidBlock2D` without a time embedding: resnet, [attention], resnet.
final class MidBlock: Module {
    let resnets: [ResnetBlock]
    let attention: SelfAttention?

    init(_ channels: Int, groups: Int, attention: Bool) {
        resnets = [ResnetBlock(channels, channels, groups: groups), ResnetBlock(channels, channels, groups: groups)]
        self.attention = attention ? SelfAttention(channels, groups: groups) : nil
    }

    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = resnets[0](x)
        if let attention { h = attention(h) }
        return resnets[1](h)
    }

    func namedParameters() -> [(String, Tensor)] {
        prefixed("resnets.0", resnets[0]) + (attention.map { prefixed("attentions.0", $0) } ?? [])
            + prefixed("resnets.1", resnets[1])
    }
}

/// Parameters of a list of modules under `name.0`, `name.1`, ...
func indexed(_ name: String, _ modules: [Module]) -> [(String, Tensor)] {
    modules.enumerated().flatMap { prefixed("\(name).\($0.offset)", $0.element) }
}
