import Tensor

/// The two-stream audio-video discriminator: `h = D(a_t, v_t, t, text)`, a logit per pair
/// (real = jointly drawn), scaled to a 2-core CPU.
///
/// Spec section 5 pools each stream to one vector and joins them in a linear head, which can
/// only add a function of the audio to a function of the video. Synchrony is a relation in
/// time, so here the streams keep their time axis at the frame rate and are joined frame by
/// frame (the direction of the paper's better Table-10 variant, which mixes time tokens):
///
/// - video `[B, F, 3, H, W]`: average-pool each frame by `videoPool` (with `motionInputs`, the
///   absolute difference to the previous pooled frame joins as 3 more channels) -> "2d + 1d" k3 stem ->
///   pool 2×2 -> n ResBlocks (c0→c1, then c1) -> pool 2×2 -> n ResBlocks (c1) -> mean over H, W
///   -> `[B, c1, F]` (n = `blocksPerLevel`);
/// - audio `[B, 1, L]`: fold `audioFold` samples per position (with `motionInputs`, their
///   absolute values join as more channels) -> Conv1d k3 stem ->
///   n ResBlocks (c0→c1, then c1) -> pool 4 -> n ResBlocks (c1) -> pool 4 -> `[B, c1, F]` (one
///   position per frame);
/// - fusion: concat channels -> `fusionBlocks` Conv1d ResBlocks along the frames -> GroupNorm
///   -> SiLU -> mean over frames -> Linear -> h.
///
/// Every ResBlock is the spec's (GroupNorm, SiLU, k3 conv, GroupNorm modulated by
/// `[scale, shift] = Linear(SiLU(temb))`, SiLU, zero-initialised 1×1 conv, skip), with
/// `temb = MLP(sinusoidal(t)) + Linear(text)`; an all-zero text vector is the empty prompt.
public final class AVDiscriminatorNet: Module {
    /// The configuration the network was built from (only `maxStep` may change later).
    public private(set) var config: AVDiscriminatorConfig
    let time: TimestepEmbedding
    let text: Linear
    let videoStem: VideoConv
    let videoBlocks: [BaseResBlock]
    let audioStem: Conv
    let audioBlocks: [BaseResBlock]
    let fusion: [BaseResBlock]
    let outNorm: GroupNorm
    let head: Linear

    /// A freshly initialised network (PyTorch default initialisation from `seed`).
    public init(_ config: AVDiscriminatorConfig, seed: UInt64) throws {
        try config.validate()
        self.config = config
        var rng = Xoshiro256(seed: seed)
        let c = config.channels, g = config.groups, e = config.timeDim
        time = TimestepEmbedding(dim: e, rng: &rng)
        text = Linear(config.textDim, e, rng: &rng)
        videoStem = VideoConv(config.motionInputs ? 6 : 3, c[0], rng: &rng)
        let n = config.blocksPerLevel
        videoBlocks = (0..<(2 * n)).map { k in
            BaseResBlock(.video, k == 0 ? c[0] : c[1], c[1], groups: g, embeddingDim: e, rng: &rng)
        }
        audioStem = Conv.conv1d(config.motionInputs ? 2 * config.audioFold : config.audioFold, c[0], kernel: 3,
                                padding: 1, rng: &rng)
        audioBlocks = (0..<(2 * n)).map { k in
            BaseResBlock(.audio, k == 0 ? c[0] : c[1], c[1], groups: g, embeddingDim: e, rng: &rng)
        }
        var blocks: [BaseResBlock] = []
        var width = 2 * c[1]
        for _ in 0..<config.fusionBlocks {
            blocks.append(BaseResBlock(.audio, width, config.fusionChannels, groups: g, embeddingDim: e, rng: &rng))
            width = config.fusionChannels
        }
        fusion = blocks
        outNorm = GroupNorm(groups: g, channels: config.fusionChannels)
        head = Linear(config.fusionChannels, 1, rng: &rng)
    }

    /// Logits `[B]` for audio `[B, 1, L]` and video `[B, F, 3, H, W]` (both as the base models
    /// see them) at per-pair steps, with text `[B, textDim]`.
    public func callAsFunction(audio: Tensor, video: Tensor, steps: [Int], text textVectors: Tensor) -> Tensor {
        let semb = (time(steps) + text(textVectors)).silu()
        let b = video.shape[0]
        var v = video.permute([0, 2, 1, 3, 4])
        if config.videoPool > 1 { v = v.avgPool([1, config.videoPool, config.videoPool]) }
        let n = config.blocksPerLevel
        if config.motionInputs {
            let frames = v.shape[2]
            let change = (v.slice(axis: 2, 1..<frames) - v.slice(axis: 2, 0..<(frames - 1))).abs()
                .pad(before: [0, 0, 1, 0, 0], after: [0, 0, 0, 0, 0])
            v = Tensor.concat([v, change], axis: 1)
        }
        v = videoStem(v).avgPool([1, 2, 2])
        for (k, block) in videoBlocks.enumerated() {
            v = block(v, semb)
            if k == n - 1 { v = v.avgPool([1, 2, 2]) }
        }
        v = v.mean(axes: [3, 4])
        let length = audio.shape[2]
        var a = audio.reshape([b, length / config.audioFold, config.audioFold]).permute([0, 2, 1])
        if config.motionInputs { a = Tensor.concat([a, a.abs()], axis: 1) }
        a = audioStem(a)
        for (k, block) in audioBlocks.enumerated() {
            a = block(a, semb)
            if k == n - 1 || k == 2 * n - 1 { a = a.avgPool([4]) }
        }
        var h = Tensor.concat([v, a], axis: 1)
        for block in fusion { h = block(h, semb) }
        h = outNorm(h).silu().mean(axes: [2])
        return head(h).reshape([b])
    }

    /// Moves the largest trained step (a curriculum: learn synchrony at small t first, then
    /// widen the range); the weights are untouched.
    public func setMaxStep(_ maxStep: Int) throws {
        var widened = config
        widened.maxStep = maxStep
        try widened.validate()
        config = widened
    }

    /// PyTorch state_dict-style names (`time_embed.0.weight`, `video.blocks.0.conv.c2.weight`, ...).
    public func namedParameters() -> [(String, Tensor)] {
        var r = prefixed("time_embed", time) + prefixed("text_proj", text) + prefixed("video.stem", videoStem)
        for (k, block) in videoBlocks.enumerated() { r += prefixed("video.blocks.\(k)", block) }
        r += prefixed("audio.stem", audioStem)
        for (k, block) in audioBlocks.enumerated() { r += prefixed("audio.blocks.\(k)", block) }
        for (k, block) in fusion.enumerated() { r += prefixed("fusion.\(k)", block) }
        return r + prefixed("out_norm", outNorm) + prefixed("head", head)
    }
}
