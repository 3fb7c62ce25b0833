import Tensor

/// Rows `idx` of a matrix (no gradient): an embedding-table lookup.
func gatherRows(_ table: Tensor, _ idx: [Int]) -> Tensor {
    let d = table.shape[1]
    let out = Tensor.zeros([idx.count, d])
    table.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            guard let s = src.baseAddress, let o = dst.baseAddress else { return }
            for (n, i) in idx.enumerated() { (o + n * d).update(from: s + i * d, count: d) }
        }
    }
    return out
}

/// The toy MLP of toy_torch.py (`AdaMLP`): LayerNorm without affine, timestep scale/shift, SiLU.
final class AdaMLP: Module {
    let table: Tensor
    let temb: TimestepEmbedding
    let lins: [Linear]
    let ss: [Linear]
    let out: Linear

    init(din: Int, widths: [Int], tdim: Int, steps: Int, rng: inout Xoshiro256) {
        table = sinusoidalEmbedding(Array(0..<steps), dim: tdim)
        temb = TimestepEmbedding(dim: tdim, rng: &rng)
        var l: [Linear] = [], s: [Linear] = []
        var prev = din
        for w in widths {
            l.append(Linear(prev, w, rng: &rng))
            s.append(Linear(tdim, 2 * w, rng: &rng))
            prev = w
        }
        lins = l
        ss = s
        out = Linear(prev, 1, rng: &rng)
    }

    func callAsFunction(_ x: Tensor, _ t: [Int]) -> Tensor {
        let e = temb(gatherRows(table, t)).silu()
        var h = x
        for (lin, s) in zip(lins, ss) {
            h = layerNorm(lin(h))
            let p = s(e).chunk(2, axis: -1)
            h = (h * (p[0] + 1) + p[1]).silu()
        }
        return out(h)
    }

    func namedParameters() -> [(String, Tensor)] {
        var r = prefixed("temb", temb)
        for (i, l) in lins.enumerated() { r += prefixed("lins.\(i)", l) }
        for (i, s) in ss.enumerated() { r += prefixed("ss.\(i)", s) }
        return r + prefixed("out", out)
    }
}

/// A layer mapping `[B, C, ...]` to `[B, C', ...]`.
protocol ConvLike { func apply(_ x: Tensor) -> Tensor }
extension Conv: ConvLike { func apply(_ x: Tensor) -> Tensor { self(x) } }
extension VideoConv: ConvLike { func apply(_ x: Tensor) -> Tensor { self(x) } }

/// One ResBlock of conv_disc_torch.py for video ("v") or audio ("a").
final class ResBlock: Module {
    let video: Bool
    let down: Bool
    let inNorm: GroupNorm
    let outNorm: GroupNorm
    let emb: AdaptiveScaleShift
    let conv: Module & ConvLike
    let out: Conv
    let skip: Conv?

    init(_ ci: Int, _ co: Int, video: Bool, dilation: Int, down: Bool, tdim: Int, groups: Int, rng: inout Xoshiro256) {
        self.video = video
        self.down = down
        inNorm = GroupNorm(groups: groups, channels: ci)
        outNorm = GroupNorm(groups: groups, channels: co, affine: false)
        emb = AdaptiveScaleShift(embeddingDim: tdim, channels: co, rng: &rng)
        let k1 = video ? [1, 1, 1] : [1]
        if video {
            conv = VideoConv(ci, co, rng: &rng)
        } else {
            conv = Conv.conv1d(ci, co, kernel: 3, padding: dilation, dilation: dilation, rng: &rng)
        }
        out = Conv(co, co, kernel: k1, zeroInit: true, rng: &rng)
        skip = ci == co ? nil : Conv(ci, co, kernel: k1, rng: &rng)
    }

    func pool(_ x: Tensor) -> Tensor {
        guard down else { return x }
        return video ? x.avgPool([1, 2, 2]) : x.avgPool([4])
    }

    func callAsFunction(_ x: Tensor, _ semb: Tensor) -> Tensor {
        let a = inNorm(x).silu()
        var h = pool(conv.apply(a))
        h = emb(outNorm(h), semb)
        h = out(h.silu())
        let s = pool(x)
        return (skip.map { $0(s) } ?? s) + h
    }

    func namedParameters() -> [(String, Tensor)] {
        var r = prefixed("in_norm", inNorm) + prefixed("emb", emb)
        r += prefixed("conv", conv)
        r += prefixed("out", out)
        if let skip { r += prefixed("skip", skip) }
        return r
    }
}

/// The small two-stream conv discriminator of conv_disc_torch.py (`Disc`, impl conv3d).
final class ConvDisc: Module {
    let tdim: Int
    let temb: TimestepEmbedding
    let vStem: VideoConv
    let aStem: Conv
    let vBlocks: [ResBlock]
    let aBlocks: [ResBlock]
    let head: Linear

    init(ch: Int = 32, mult: [Int] = [1, 2, 4], nres: Int = 1, tdim: Int = 128, groups: Int = 8, rng: inout Xoshiro256) {
        self.tdim = tdim
        temb = TimestepEmbedding(dim: tdim, rng: &rng)
        vStem = VideoConv(3, ch, rng: &rng)
        aStem = Conv.conv1d(1, ch, kernel: 3, padding: 1, rng: &rng)
        var plan: [(Int, Int, Bool)] = []
        var c = ch
        for (lvl, m) in mult.enumerated() {
            for _ in 0..<nres {
                plan.append((c, ch * m, false))
                c = ch * m
            }
            if lvl != mult.count - 1 { plan.append((c, c, true)) }
        }
        var vb: [ResBlock] = [], ab: [ResBlock] = []
        for (k, (ci, co, down)) in plan.enumerated() {
            vb.append(ResBlock(ci, co, video: true, dilation: 1, down: down, tdim: tdim, groups: groups, rng: &rng))
            ab.append(ResBlock(ci, co, video: false, dilation: 1 << ((k + 1) % 10), down: down, tdim: tdim,
                               groups: groups, rng: &rng))
        }
        vBlocks = vb
        aBlocks = ab
        head = Linear(2 * c, 1, rng: &rng)
    }

    /// a `[B, 1, L]`, v `[B, F, C, H, W]`, t -> logits `[B]`.
    func callAsFunction(_ a: Tensor, _ v: Tensor, _ t: [Int]) -> Tensor {
        let semb = temb(t, float32: true).silu()
        var hv = vStem(v.permute([0, 2, 1, 3, 4]))
        var ha = aStem(a)
        for (bv, ba) in zip(vBlocks, aBlocks) {
            hv = bv(hv, semb)
            ha = ba(ha, semb)
        }
        let pv = hv.mean(axes: [3, 4]).mean(axes: [2])
        let pa = ha.mean(axes: [2])
        return head(Tensor.concat([pv, pa], axis: 1)).reshape([a.shape[0]])
    }

    func namedParameters() -> [(String, Tensor)] {
        var r = prefixed("temb", temb) + prefixed("v_stem", vStem) + prefixed("a_stem", aStem)
        for (i, b) in vBlocks.enumerated() { r += prefixed("v_blocks.\(i)", b) }
        for (i, b) in aBlocks.enumerated() { r += prefixed("a_blocks.\(i)", b) }
        return r + prefixed("head", head)
    }
}

/// log(σ(h) + 1e-5) - log(1 - σ(h) + 1e-5), as `logit_e` / `stable_logit` in the references.
func stableLogit(_ h: Tensor) -> Tensor {
    let p = h.sigmoid()
    return (p + 1e-5).log() - (1 - p + 1e-5).log()
}
