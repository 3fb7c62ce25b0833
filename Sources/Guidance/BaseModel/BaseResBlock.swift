import Tensor

/// A k3 convolution of one modality: `Conv1d` for audio, the "2d + 1d" `VideoConv` for video.
final class ModalityConv: Module {
    private let audio: Conv?
    private let video: VideoConv?

    /// A k3 conv from `cin` to `cout` channels (PyTorch default initialisation).
    init(_ modality: BaseModality, _ cin: Int, _ cout: Int, rng: inout Xoshiro256) {
        switch modality {
        case .audio:
            audio = Conv.conv1d(cin, cout, kernel: 3, padding: 1, rng: &rng)
            video = nil
        case .video:
            audio = nil
            video = VideoConv(cin, cout, rng: &rng)
        }
    }

    /// x `[B, Ci, L]` or `[B, Ci, F, H, W]` -> same with Co channels.
    func callAsFunction(_ x: Tensor) -> Tensor {
        if let audio { return audio(x) }
        if let video { return video(x) }
        return x
    }

    /// Zeroes the layer that produces the output (the whole Conv1d, or the temporal conv of
    /// the video pair: zeroing both video convs would leave the spatial one without gradient).
    func zeroFinalLayer() {
        let layer = audio ?? video?.temporal
        for p in layer?.parameters() ?? [] { p.assign(Tensor.zeros(p.shape)) }
    }

    /// `weight`/`bias` (audio) or `c2.*`/`c1.*` (video).
    func namedParameters() -> [(String, Tensor)] {
        audio?.namedParameters() ?? video?.namedParameters() ?? []
    }
}

/// A pointwise (1×1) convolution for either modality's layout.
func pointwiseConv(_ modality: BaseModality, _ cin: Int, _ cout: Int, zeroInit: Bool = false,
                   rng: inout Xoshiro256) -> Conv {
    Conv(cin, cout, kernel: modality == .audio ? [1] : [1, 1, 1], zeroInit: zeroInit, rng: &rng)
}

/// The spec's ResBlock with adaptive GroupNorm: GN(affine) -> SiLU -> k3 conv ->
/// GN(no affine) · (1 + scale) + shift -> SiLU -> zero-initialised 1×1 conv, plus a skip
/// (identity or 1×1). Video blocks may add the temporal context (see `BaseModelConfig.temporalContext`).
final class BaseResBlock: Module {
    let inNorm: GroupNorm
    let conv: ModalityConv
    let outNorm: GroupNorm
    let emb: AdaptiveScaleShift
    let out: Conv
    let skip: Conv?
    let context: Conv?

    /// A block from `cin` to `cout` channels, modulated by an embedding of width `embeddingDim`;
    /// with `temporalContext` (video) its conv also gets a 1×1 conv of the frame-averaged input.
    init(_ modality: BaseModality, _ cin: Int, _ cout: Int, groups: Int, embeddingDim: Int,
         temporalContext: Bool = false, rng: inout Xoshiro256) {
        inNorm = GroupNorm(groups: groups, channels: cin)
        conv = ModalityConv(modality, cin, cout, rng: &rng)
        outNorm = GroupNorm(groups: groups, channels: cout, affine: false)
        emb = AdaptiveScaleShift(embeddingDim: embeddingDim, channels: cout, rng: &rng)
        out = pointwiseConv(modality, cout, cout, zeroInit: true, rng: &rng)
        skip = cin == cout ? nil : pointwiseConv(modality, cin, cout, rng: &rng)
        context = temporalContext ? pointwiseConv(modality, cin, cout, rng: &rng) : nil
    }

    /// x `[B, Ci, ...]`, semb = SiLU(temb) `[B, E]` -> `[B, Co, ...]`.
    func callAsFunction(_ x: Tensor, _ semb: Tensor) -> Tensor {
        let a = inNorm(x).silu()
        var h = conv(a)
        if let context { h = h + context(a.mean(axes: [2], keepDims: true)) }
        h = out(emb(outNorm(h), semb).silu())
        return (skip.map { $0(x) } ?? x) + h
    }

    /// PyTorch-style names: `in_norm.*`, `conv.*`, `emb.*`, `out.*`, `skip.*`, `context.*`.
    func namedParameters() -> [(String, Tensor)] {
        prefixed("in_norm", inNorm) + prefixed("conv", conv) + prefixed("emb", emb) + prefixed("out", out)
            + (skip.map { prefixed("skip", $0) } ?? []) + (context.map { prefixed("context", $0) } ?? [])
    }
}
