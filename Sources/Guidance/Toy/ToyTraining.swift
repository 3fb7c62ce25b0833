import Tensor

/// Which loss trains the toy discriminator (spec section 3).
public enum ToyDiscriminatorLoss: String, Sendable, CaseIterable {
    /// `L_disc`: binary cross-entropy on the logits, real = 1, fake = 0.
    case disc
    /// `L_dsm`: the residual must be the noise the base model got wrong (on real pairs).
    case dsm
    /// `L_disc + lambda L_dsm`.
    case full

    var usesDisc: Bool { self != .dsm }
    var usesDSM: Bool { self != .disc }
}

/// How the two BCE terms of `L_disc` are combined (not published; the reference's flag).
public enum DiscReduction: String, Sendable, CaseIterable {
    /// `mean BCE(real, 1) + mean BCE(fake, 0)` (Eq. 10 as a sum of two expectations; default).
    case sum
    /// Half of that.
    case mean
}

/// The stable logit `log(sigmoid(h) + 1e-5) - log(1 - sigmoid(h) + 1e-5)` on tensors, with
/// gradients (the released code's `logit_e`).
public func stableLogit(_ h: Tensor) -> Tensor {
    let p = h.sigmoid()
    return (p + 1e-5).log() - ((1 - p) + 1e-5).log()
}

/// The losses of one training step (nil when not part of the chosen loss).
public struct ToyStepLosses: Sendable, Equatable {
    /// `L_disc` (or the base model's MSE for base steps).
    public var disc: Float?
    /// `L_dsm`.
    public var dsm: Float?
}

/// Training of the toy base model and discriminators with Adam, following the reference
/// `toy_torch.py`: every example of a batch is drawn with replacement and gets its own
/// `t ~ U{0..T-1}` and fresh noise; for pairs the two coordinates share t.
public struct ToyTrainer {
    /// The diffusion schedule (toy: linear, 500 steps).
    public let schedule: NoiseSchedule
    /// The batch size (512 in the paper).
    public let batchSize: Int

    /// A trainer drawing batches of `batchSize` under `schedule`.
    public init(schedule: NoiseSchedule = .toy(), batchSize: Int = 512) throws {
        guard batchSize >= 1 else { throw GuidanceError.invalidConfiguration("batch size must be positive") }
        self.schedule = schedule
        self.batchSize = batchSize
    }

    /// A noised batch: rows of `data` drawn with replacement, per-row steps, noise, and
    /// `x_t = sqrt(abar_t) x_0 + sigma_t eps`, as `[B, d]` tensors plus the steps.
    func noisedBatch(_ data: Batch, rng: inout SeededRNG) -> (xt: Tensor, eps: Tensor, t: [Int]) {
        let d = data.sampleSize, b = batchSize
        var xt = [Float](repeating: 0, count: b * d), eps = xt
        var t = [Int](repeating: 0, count: b)
        for i in 0..<b {
            let row = rng.nextInt(below: data.batchSize)
            t[i] = rng.nextInt(below: schedule.steps)
            let a = schedule.alpha(t[i]), s = schedule.sigma(t[i])
            for j in 0..<d {
                let e = rng.nextNormal()
                eps[i * d + j] = Float(e)
                xt[i * d + j] = Float(a * Double(data.values[row * d + j]) + s * e)
            }
        }
        return (Tensor(shape: [b, d], data: xt), Tensor(shape: [b, d], data: eps), t)
    }

    /// One base-model step: `MSE(eps_theta(x_t, t), eps)` on a batch of `data` (`[n, 1]`), then Adam.
    public func baseStep(_ model: ToyMLP, _ optimizer: Adam, data: Batch, rng: inout SeededRNG) -> Float {
        let (xt, eps, t) = noisedBatch(data, rng: &rng)
        let loss = meanSquaredError(model(xt, t), eps)
        optimizer.update(gradient(of: loss, wrt: model.parameters()))
        return loss.item
    }

    /// The discriminator loss on one batch (spec section 3, reference `disc_step`):
    /// real pairs noised as `x_t`; `L_dsm = mean_b ||eps - eps_base(x_t, t) - r||^2` with
    /// `r = -sigma_t d(sum logit_e(D(x_t, t)))/d x_t` (differentiated again for the weights);
    /// `L_disc = BCE(h_real, 1) + BCE(h_fake, 0)` (halved for `.mean`); total
    /// `L_disc + lambda L_dsm`. Returns the total and its parts.
    public func discriminatorLoss(_ d: ToyMLP, base: ToyBaseModel, real: Batch, fake: Batch,
                                  loss: ToyDiscriminatorLoss, lambda: Float, reduction: DiscReduction,
                                  rng: inout SeededRNG) throws -> (total: Tensor, parts: ToyStepLosses) {
        var (xtr, er, tr) = noisedBatch(real, rng: &rng)
        var total = Tensor(0)
        var parts = ToyStepLosses()
        var hr: Tensor?
        if loss.usesDSM {
            xtr = xtr.requiringGrad()
            let h = d(xtr, tr)
            hr = h
            let g = gradient(of: stableLogit(h).sum(), wrt: [xtr], createGraph: true)[0]
            let sigma = Tensor(shape: [batchSize, 1], data: tr.map { Float(schedule.sigma($0)) })
            let r = -(sigma * g)
            let eb = try baseNoise(base, xtr.detach(), tr)
            let diff = er - eb - r
            let dsm = (diff * diff).sum(axes: [1]).mean()
            total = total + lambda * dsm
            parts.dsm = dsm.item
        }
        if loss.usesDisc {
            let (xtf, _, tf) = noisedBatch(fake, rng: &rng)
            let h = hr ?? d(xtr, tr)
            let hf = d(xtf, tf)
            var disc = binaryCrossEntropyWithLogits(h, Tensor.ones(h.shape))
                + binaryCrossEntropyWithLogits(hf, Tensor.zeros(hf.shape))
            if reduction == .mean { disc = 0.5 * disc }
            total = total + disc
            parts.disc = disc.item
        }
        return (total, parts)
    }

    /// One discriminator step: the loss above, its weight-gradient, then Adam.
    public func discriminatorStep(_ d: ToyMLP, _ optimizer: Adam, base: ToyBaseModel, real: Batch, fake: Batch,
                                  loss: ToyDiscriminatorLoss, lambda: Float, reduction: DiscReduction,
                                  rng: inout SeededRNG) throws -> ToyStepLosses {
        let (total, parts) = try discriminatorLoss(d, base: base, real: real, fake: fake, loss: loss,
                                                   lambda: lambda, reduction: reduction, rng: &rng)
        optimizer.update(gradient(of: total, wrt: d.parameters()))
        return parts
    }

    /// The frozen base model's noise prediction for each coordinate of `[B, 2]` pairs, no gradient.
    func baseNoise(_ base: ToyBaseModel, _ xy: Tensor, _ t: [Int]) throws -> Tensor {
        let b = xy.shape[0], d = xy.shape[1]
        let out = withoutGrad {
            base.network(xy.reshape([b * d, 1]), t.flatMap { Array(repeating: $0, count: d) })
        }
        return out.reshape([b, d])
    }
}
