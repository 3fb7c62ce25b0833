import Foundation
import Tensor

/// How a discriminator is trained; saved in checkpoints so `--resume` continues the same run.
public struct DiscriminatorTrainingSettings: Sendable, Equatable, Codable {
    /// Seed of every step's examples, steps, noise and dropout (and of the initial weights).
    public var seed: UInt64
    /// Real pairs per step (and as many negatives).
    public var batchSize: Int
    /// Probability that a pair's text is replaced by the empty prompt.
    public var textDropout: Double
    /// The loss: disc, dsm or full.
    public var loss: DiscriminatorLoss
    /// Weight of `L_dsm` in the full loss.
    public var lambda: Double
    /// Fraction of negatives that are real clips re-paired within their group (audio of one
    /// clip, video of another) instead of base-model fakes.
    public var mismatchedFraction: Double

    /// Settings with the spec's defaults (text dropout 10 %, full loss, lambda 1).
    public init(seed: UInt64 = 0, batchSize: Int = 8, textDropout: Double = 0.1, loss: DiscriminatorLoss = .full,
                lambda: Double = 1, mismatchedFraction: Double = 0.5) {
        self.seed = seed
        self.batchSize = batchSize
        self.textDropout = textDropout
        self.loss = loss
        self.lambda = lambda
        self.mismatchedFraction = mismatchedFraction
    }

    /// Checks the ranges.
    public func validate() throws {
        guard batchSize >= 1, (0...1).contains(textDropout), (0...1).contains(mismatchedFraction),
              lambda.isFinite, lambda >= 0 else {
            throw GuidanceError.invalidConfiguration("training: batch size ≥ 1, text dropout and mismatched fraction in [0, 1], lambda ≥ 0")
        }
    }
}

/// Trains an `AVDiscriminatorNet` (spec section 3, Algorithm 1) against frozen base models.
///
/// Each step draws, from a generator seeded by (seed, step) so that a resumed run repeats an
/// uninterrupted one: `batchSize` real pairs and as many negatives (base-model fakes, or with
/// probability `mismatchedFraction` a real clip's audio with another same-group clip's
/// video: a draw from the product of the real marginals, which is what perfect base models
/// would give), a uniform integer t per pair shared by its two modalities, fresh noise, and
/// text dropout. Then, with `x_t = sqrt(abar_t) x_0 + sigma_t eps` where x_0 is in each base
/// model's own space (`BaseModelConfig.toModel`: for audio μ-law and data scale):
///
///     L_disc = mean BCE(h(real), 1) + mean BCE(h(negative), 0)
///     r_m    = -sigma_t d(sum logit_e(h(real))) / d x_m        (logit_e the stable logit)
///     L_dsm  = mean (eps_a - eps_a(a_t, t, c) - r_a)^2 + mean (eps_v - eps_v(v_t, t, c) - r_v)^2
///
/// where the base models are only evaluated (never differentiated) and `L_dsm`'s gradient
/// with respect to the weights is second order. The total `L_disc + lambda L_dsm` (or one
/// part, per `loss`) is minimised with Adam, gradients clipped to a global norm of 1.
/// Per-element means keep `lambda = 1` meaningful for 25,600 + 196,608 values per pair (the
/// spec's per-pair squared norm would be that many times larger).
public final class AVDiscriminatorTrainer {
    /// The global gradient-norm bound applied before each update.
    public static let maxGradientNorm: Float = 1
    /// The network being trained.
    public let model: AVDiscriminatorNet
    /// Its optimiser.
    public let optimizer: BaseModelAdam
    /// The run's settings.
    public let settings: DiscriminatorTrainingSettings
    private let audioBase: BaseUNet
    private let videoBase: BaseUNet
    private let sqrtAlphaBar: [Float]
    private let sigma: [Float]

    /// A trainer for `model` against the frozen base models, which must match its shapes.
    public init(model: AVDiscriminatorNet, optimizer: BaseModelAdam, settings: DiscriminatorTrainingSettings,
                audioBase: BaseUNet, videoBase: BaseUNet) throws {
        try settings.validate()
        let c = model.config
        guard c.fits(audio: audioBase.config, video: videoBase.config) else {
            throw GuidanceError.invalidConfiguration("the base models do not match the discriminator (shapes, steps, audio transform or text width)")
        }
        self.model = model
        self.optimizer = optimizer
        self.settings = settings
        self.audioBase = audioBase
        self.videoBase = videoBase
        let schedule = try NoiseSchedule.linear(steps: c.diffusionSteps)
        sqrtAlphaBar = schedule.alphaBars.map { Float($0.squareRoot()) }
        sigma = schedule.alphaBars.map { Float((1 - $0).squareRoot()) }
    }

    /// The number of steps taken so far.
    public var step: Int { optimizer.step }

    /// One optimisation step on `real` pairs against `fake` pairs; returns the losses before the update.
    public func trainStep(real: any AVPairData, fake: any AVPairData) throws -> DiscriminatorStepLosses {
        guard real.count > 0 else { throw GuidanceError.invalidConfiguration("training: no real pairs") }
        let loss = settings.loss
        guard !loss.usesDisc || fake.count > 0 || settings.mismatchedFraction == 1 else {
            throw GuidanceError.invalidConfiguration("training: no fake pairs")
        }
        var rng = Xoshiro256(seed: settings.seed ^ (UInt64(optimizer.step + 1) &* 0x9E37_79B9_7F4A_7C15))
        let groups = GroupIndex(real)
        let realBatch = try drawRealBatch(real, rng: &rng)
        let negativeBatch = loss.usesDisc ? try drawNegativeBatch(real: real, fake: fake, groups: groups, rng: &rng) : nil

        var total = Tensor(0)
        var parts = DiscriminatorStepLosses(disc: nil, dsm: nil, accuracy: 0)
        let (aReal, vReal) = realBatch.inputs(requiringGrad: loss.usesDSM)
        let hReal = model(audio: aReal, video: vReal, steps: realBatch.steps, text: realBatch.text)
        var correct = hReal.scalars.filter { $0 > 0 }.count, judged = realBatch.size
        if loss.usesDSM {
            let g = gradient(of: stableLogit(hReal).sum(), wrt: [aReal, vReal], createGraph: true)
            let minusSigma = realBatch.steps.map { -sigma[$0] }
            let ra = g[0] * Tensor(shape: [realBatch.size, 1, 1], data: minusSigma)
            let rv = g[1] * Tensor(shape: [realBatch.size, 1, 1, 1, 1], data: minusSigma)
            let (targetA, targetV) = baseErrors(realBatch)
            let dsm = meanSquaredError(ra, targetA) + meanSquaredError(rv, targetV)
            total = total + Float(settings.lambda) * dsm
            parts.dsm = dsm.item
        }
        if let negativeBatch {
            let (aNeg, vNeg) = negativeBatch.inputs(requiringGrad: false)
            let hNeg = model(audio: aNeg, video: vNeg, steps: negativeBatch.steps, text: negativeBatch.text)
            let disc = binaryCrossEntropyWithLogits(hReal, Tensor.ones(hReal.shape))
                + binaryCrossEntropyWithLogits(hNeg, Tensor.zeros(hNeg.shape))
            total = total + disc
            parts.disc = disc.item
            correct += hNeg.scalars.filter { $0 < 0 }.count
            judged += negativeBatch.size
        }
        parts.accuracy = Float(correct) / Float(judged)
        let (grads, _) = clipGradientNorm(gradient(of: total, wrt: optimizer.parameters), maxNorm: Self.maxGradientNorm)
        optimizer.update(grads)
        return parts
    }

    /// `eps - eps_base(x_t, t, c)` per modality for the real batch (base models frozen, no graph).
    private func baseErrors(_ batch: NoisedPairs) -> (Tensor, Tensor) {
        withoutGrad {
            let a = audioBase(Tensor(shape: batch.audioShape, data: batch.audio), steps: batch.steps, text: batch.text)
            let v = videoBase(Tensor(shape: batch.videoShape, data: batch.video), steps: batch.steps, text: batch.text)
            return (Tensor(shape: batch.audioShape, data: batch.audioNoise) - a,
                    Tensor(shape: batch.videoShape, data: batch.videoNoise) - v)
        }
    }

    private func drawRealBatch(_ real: any AVPairData, rng: inout Xoshiro256) throws -> NoisedPairs {
        var batch = NoisedPairs(config: model.config, size: settings.batchSize)
        for b in 0..<settings.batchSize {
            let p = real.pair(rng.int(below: real.count))
            try batch.set(b, audio: p.audio, video: p.video, text: p.text, trainer: self, rng: &rng)
        }
        return batch
    }

    private func drawNegativeBatch(real: any AVPairData, fake: any AVPairData, groups: GroupIndex,
                                   rng: inout Xoshiro256) throws -> NoisedPairs {
        var batch = NoisedPairs(config: model.config, size: settings.batchSize)
        for b in 0..<settings.batchSize {
            let mismatched = fake.count == 0 || Double(rng.uniform()) < settings.mismatchedFraction
            if mismatched {
                let i = rng.int(below: real.count)
                let j = groups.partner(of: i, in: real, rng: &rng)
                let (pi, pj) = (real.pair(i), real.pair(j))
                try batch.set(b, audio: pi.audio, video: pj.video, text: pi.text, trainer: self, rng: &rng)
            } else {
                let p = fake.pair(rng.int(below: fake.count))
                try batch.set(b, audio: p.audio, video: p.video, text: p.text, trainer: self, rng: &rng)
            }
        }
        return batch
    }

    /// Noises one pair into slot `b` of `batch`: a uniform step, fresh noise, text dropout.
    fileprivate func noise(_ x0: [Float], _ modality: BaseModality, step t: Int, into x: inout [Float],
                           noise eps: inout [Float], at offset: Int, rng: inout Xoshiro256) {
        let config = modality == .audio ? audioBase.config : videoBase.config
        let (a, s) = (sqrtAlphaBar[t], sigma[t])
        let clean = config.toModel(clip: x0)
        for i in 0..<x0.count {
            let e = rng.normal()
            eps[offset + i] = e
            x[offset + i] = a * clean[i] + s * e
        }
    }
}

/// Real pairs by group, for drawing a same-group partner.
private struct GroupIndex {
    let members: [Int: [Int]]

    init(_ data: any AVPairData) {
        var m: [Int: [Int]] = [:]
        for i in 0..<data.count { m[data.group(i), default: []].append(i) }
        members = m
    }

    /// Another pair of `i`'s group (any other pair when the group has only `i`).
    func partner(of i: Int, in data: any AVPairData, rng: inout Xoshiro256) -> Int {
        let same = members[data.group(i)] ?? [i]
        if same.count > 1 {
            let k = rng.int(below: same.count - 1)
            let j = same[k]
            return j == i ? same[same.count - 1] : j
        }
        guard data.count > 1 else { return i }
        let j = rng.int(below: data.count - 1)
        return j >= i ? j + 1 : j
    }
}

/// A batch of noised pairs with their noise, steps and (possibly dropped) text.
private struct NoisedPairs {
    let size: Int
    let audioShape: [Int], videoShape: [Int]
    let textDim: Int
    var audio: [Float], video: [Float]
    var audioNoise: [Float], videoNoise: [Float]
    var steps: [Int]
    var textValues: [Float]

    init(config: AVDiscriminatorConfig, size: Int) {
        self.size = size
        audioShape = [size] + config.audioShape
        videoShape = [size] + config.videoShape
        textDim = config.textDim
        let na = size * config.audioShape.reduce(1, *), nv = size * config.videoShape.reduce(1, *)
        audio = [Float](repeating: 0, count: na)
        audioNoise = audio
        video = [Float](repeating: 0, count: nv)
        videoNoise = video
        steps = [Int](repeating: 0, count: size)
        textValues = [Float](repeating: 0, count: size * config.textDim)
    }

    var text: Tensor { Tensor(shape: [size, textDim], data: textValues) }

    mutating func set(_ b: Int, audio a: [Float], video v: [Float], text: [Float], trainer: AVDiscriminatorTrainer,
                      rng: inout Xoshiro256) throws {
        let na = audioShape.dropFirst().reduce(1, *), nv = videoShape.dropFirst().reduce(1, *)
        guard a.count == na, v.count == nv, text.count == textDim else {
            throw GuidanceError.invalidShape("training pair of \(a.count) audio, \(v.count) video and \(text.count) text values; expected \(na), \(nv) and \(textDim)")
        }
        let t = rng.int(below: trainer.model.config.maxStep)
        steps[b] = t
        trainer.noise(a, .audio, step: t, into: &audio, noise: &audioNoise, at: b * na, rng: &rng)
        trainer.noise(v, .video, step: t, into: &video, noise: &videoNoise, at: b * nv, rng: &rng)
        if Double(rng.uniform()) >= trainer.settings.textDropout {
            for j in 0..<textDim { textValues[b * textDim + j] = text[j] }
        }
    }

    func inputs(requiringGrad: Bool) -> (Tensor, Tensor) {
        (Tensor(shape: audioShape, data: audio, requiresGrad: requiringGrad),
         Tensor(shape: videoShape, data: video, requiresGrad: requiringGrad))
    }
}
