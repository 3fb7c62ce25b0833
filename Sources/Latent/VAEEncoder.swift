import Tensor

/// diffusers `Encoder` (VAE): conv_in, one `DownEncoderBlock2D` per level (ResNet blocks, then a
/// stride-2 downsample except at the last level), the mid block, GroupNorm + SiLU, and conv_out
/// to 2 × latent channels (mean and log-variance).
final class VAEEncoder: Module {
    let convIn: Conv
    let resnets: [[ResnetBlock]]
    let downsamplers: [Downsample?]
    let mid: MidBlock
    let normOut: GroupNorm
    let convOut: Conv

    init(_ c: VAEConfig) {
        let ch = c.blockOutChannels, g = c.normNumGroups
        convIn = conv3x3(c.inChannels, ch[0])
        var blocks: [[ResnetBlock]] = [], downs: [Downsample?] = []
        var cin = ch[0]
        for (level, cout) in ch.enumerated() {
            blocks.append((0..<c.layersPerBlock).map { i in ResnetBlock(i == 0 ? cin : cout, cout, groups: g) })
            downs.append(level == ch.count - 1 ? nil : Downsample(cout))
            cin = cout
        }
        resnets = blocks
        downsamplers = downs
        mid = MidBlock(ch[ch.count - 1], groups: g, attention: c.midBlockAddAttention)
        normOut = vaeNorm(g, ch[ch.count - 1])
        convOut = conv3x3(ch[ch.count - 1], 2 * c.latentChannels)
    }

    /// `[B, in, H, W]` -> `[B, 2 × latent, H/f, W/f]`.
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = convInference(convIn, x)
        for (blocks, down) in zip(resnets, downsamplers) {
            for r in blocks { h = r(h) }
            if let down { h = down(h) }
        }
        h = mid(h)
        return convInference(convOut, normSiLU(normOut, h))
    }

    func namedParameters() -> [(String, Tensor)] {
        var out = prefixed("conv_in", convIn)
        for (i, (blocks, down)) in zip(resnets, downsamplers).enumerated() {
            out += indexed("down_blocks.\(i).resnets", blocks)
            if let down { out += prefixed("down_blocks.\(i).downsamplers.0", down) }
        }
        return out + prefixed("mid_block", mid) + prefixed("conv_norm_out", normOut) + prefixed("conv_out", convOut)
    }
}

/// diffusers `Decoder` (VAE): conv_in from the latent, the mid block, one `UpDecoderBlock2D` per
/// level in reverse channel order (layers_per_block + 1 ResNet blocks, then nearest ×2 and a conv
/// except at the last level), GroupNorm + SiLU, and conv_out to the image channels.
final class VAEDecoder: Module {
    let convIn: Conv
    let mid: MidBlock
    let resnets: [[ResnetBlock]]
    let upsamplers: [Upsample?]
    let normOut: GroupNorm
    let convOut: Conv

    init(_ c: VAEConfig) {
        let rev = Array(c.blockOutChannels.reversed()), g = c.normNumGroups
        convIn = conv3x3(c.latentChannels, rev[0])
        mid = MidBlock(rev[0], groups: g, attention: c.midBlockAddAttention)
        var blocks: [[ResnetBlock]] = [], ups: [Upsample?] = []
        var cin = rev[0]
        for (level, cout) in rev.enumerated() {
            blocks.append((0...c.layersPerBlock).map { i in ResnetBlock(i == 0 ? cin : cout, cout, groups: g) })
            ups.append(level == rev.count - 1 ? nil : Upsample(cout))
            cin = cout
        }
        resnets = blocks
        upsamplers = ups
        normOut = vaeNorm(g, rev[rev.count - 1])
        convOut = conv3x3(rev[rev.count - 1], c.outChannels)
    }

    /// `[B, latent, h, w]` -> `[B, out, h·f, w·f]`.
    func callAsFunction(_ z: Tensor) -> Tensor {
        var h = mid(convInference(convIn, z))
        for (blocks, up) in zip(resnets, upsamplers) {
            for r in blocks { h = r(h) }
            if let up { h = up(h) }
        }
        return convInference(convOut, normSiLU(normOut, h))
    }

    func namedParameters() -> [(String, Tensor)] {
        var out = prefixed("conv_in", convIn) + prefixed("mid_block", mid)
        for (i, (blocks, up)) in zip(resnets, upsamplers).enumerated() {
            out += indexed("up_blocks.\(i).resnets", blocks)
            if let up { out += prefixed("up_blocks.\(i).upsamplers.0", up) }
        }
        return out + prefixed("conv_norm_out", normOut) + prefixed("conv_out", convOut)
    }
}
