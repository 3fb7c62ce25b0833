import Tensor

/// A text-conditional epsilon-prediction U-Net for one modality (the tool's own base model).
///
/// Layout (widths c0, c1, c2 from `BaseModelConfig.channels`): space-to-depth fold ->
/// k3 stem -> ResBlock(c0) [skip 0] -> pool -> ResBlock(c0→c1) [skip 1] -> pool ->
/// ResBlock(c1→c2) -> up, concat skip 1 -> ResBlock(c2+c1→c1) -> up, concat skip 0 ->
/// ResBlock(c1+c0→c0) -> GN -> SiLU -> k3 conv (its last layer zero-initialised) -> unfold. Audio uses
/// Conv1d (pool 4), video the "2d + 1d" conv (pool 2×2 per frame, all 16 frames kept).
/// Conditioning: `temb = MLP(sinusoidal(t)) + Linear(text)`, and every ResBlock modulates
/// its second GroupNorm with `[scale, shift] = Linear(SiLU(temb))`. An all-zero text
/// vector is the unconditional (empty) prompt. With `inputSkip` the output also gets
/// `Linear(SiLU(temb)) ⊙ fold(x_t)` (zero at init): without it a 192-channel video fold
/// squeezed into 64 features cannot even return the noise at large t (measured: eps MSE 0.72
/// at t = 990 after 1500 steps, samples pure noise). With `dataStd > 0` the whole network is
/// F of `Preconditioning`: it sees `c_in · x_t` and returns `c_skip · x_t + c_out · F`; with
/// `motionStd > 0` (video) each of those products is taken apart on the per-pixel temporal
/// mean of its operand (with the `dataStd` coefficients) and on the deviation from that mean
/// (with the `motionStd` ones). The two parts are orthogonal projections, so the noise stays
/// white in each and the unit-variance training target holds per part. With `bandStd` (audio)
/// the parts are the bands of a block DCT (`PreconditioningLayout.bands`).
/// With `temporalContext` (video) every ResBlock also adds a 1×1 conv of its frame-averaged input.
public final class BaseUNet: Module {
    /// The configuration the network was built from.
    public let config: BaseModelConfig
    let time: TimestepEmbedding
    let text: Linear
    let stem: ModalityConv
    let enc0: BaseResBlock, enc1: BaseResBlock, mid: BaseResBlock
    let dec1: BaseResBlock, dec0: BaseResBlock
    let outNorm: GroupNorm
    let outConv: ModalityConv
    let inputSkip: Linear?
    let preconditioning: PreconditioningLayout?

    /// A freshly initialised network (PyTorch default initialisation from `seed`).
    public init(_ config: BaseModelConfig, seed: UInt64) throws {
        try config.validate()
        self.config = config
        var rng = Xoshiro256(seed: seed)
        let m = config.modality, c = config.channels, g = config.groups, e = config.timeDim, tc = config.temporalContext
        time = TimestepEmbedding(dim: e, rng: &rng)
        text = Linear(config.textDim, e, rng: &rng)
        stem = ModalityConv(m, config.foldedChannels, c[0], rng: &rng)
        enc0 = BaseResBlock(m, c[0], c[0], groups: g, embeddingDim: e, temporalContext: tc, rng: &rng)
        enc1 = BaseResBlock(m, c[0], c[1], groups: g, embeddingDim: e, temporalContext: tc, rng: &rng)
        mid = BaseResBlock(m, c[1], c[2], groups: g, embeddingDim: e, temporalContext: tc, rng: &rng)
        dec1 = BaseResBlock(m, c[2] + c[1], c[1], groups: g, embeddingDim: e, temporalContext: tc, rng: &rng)
        dec0 = BaseResBlock(m, c[1] + c[0], c[0], groups: g, embeddingDim: e, temporalContext: tc, rng: &rng)
        outNorm = GroupNorm(groups: g, channels: c[0])
        outConv = ModalityConv(m, c[0], config.foldedChannels, rng: &rng)
        outConv.zeroFinalLayer()
        inputSkip = config.inputSkip ? Linear(e, config.foldedChannels, zeroInit: true, rng: &rng) : nil
        preconditioning = try PreconditioningLayout(config)
    }

    /// Per-step weights of the training loss, applied like the coefficients (`1 / c_out` per
    /// part, so the target of F is unit-variance), or nil for an unpreconditioned network.
    func weightedLoss(_ difference: Tensor, steps: [Int]) -> Tensor? {
        preconditioning.map { $0.scaled(difference, \.lossWeight, steps: steps) }
    }

    /// Predicted noise for x `[B, sample...]` at per-sample steps, with text `[B, textDim]`.
    public func callAsFunction(_ x: Tensor, steps: [Int], text textVectors: Tensor) -> Tensor {
        guard let p = preconditioning else { return network(x, steps: steps, text: textVectors) }
        let f = network(p.scaled(x, \.cIn, steps: steps), steps: steps, text: textVectors)
        return p.scaled(x, \.cSkip, steps: steps) + p.scaled(f, \.cOut, steps: steps)
    }

    /// The U-Net itself (F when preconditioned, eps otherwise).
    func network(_ x: Tensor, steps: [Int], text textVectors: Tensor) -> Tensor {
        let m = config.modality
        let semb = (time(steps) + text(textVectors)).silu()
        let folded = m == .audio ? Resampling.foldAudio(x, config.fold) : Resampling.foldVideo(x, config.fold)
        var h = stem(folded)
        let s0 = enc0(h, semb)
        let s1 = enc1(Resampling.down(s0, m), semb)
        h = mid(Resampling.down(s1, m), semb)
        h = dec1(Tensor.concat([Resampling.up(h, m), s1], axis: 1), semb)
        h = dec0(Tensor.concat([Resampling.up(h, m), s0], axis: 1), semb)
        h = outConv(outNorm(h).silu())
        if let inputSkip {
            let gain = inputSkip(semb)
            h = h + folded * gain.reshape(gain.shape + [Int](repeating: 1, count: folded.rank - 2))
        }
        return m == .audio ? Resampling.unfoldAudio(h) : Resampling.unfoldVideo(h, config.fold)
    }

    /// PyTorch state_dict-style names (`time_embed.0.weight`, `enc.0.conv.c2.weight`, ...).
    public func namedParameters() -> [(String, Tensor)] {
        prefixed("time_embed", time) + prefixed("text_proj", text) + prefixed("stem", stem)
            + prefixed("enc.0", enc0) + prefixed("enc.1", enc1) + prefixed("mid", mid)
            + prefixed("dec.1", dec1) + prefixed("dec.0", dec0)
            + prefixed("out_norm", outNorm) + prefixed("out_conv", outConv)
            + (inputSkip.map { prefixed("input_skip", $0) } ?? [])
    }
}
