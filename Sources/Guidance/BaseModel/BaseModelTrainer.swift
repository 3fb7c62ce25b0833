import Foundation
import Tensor

/// Training examples of one modality: model-ready values and a text vector per example.
public protocol BaseTrainingData {
    /// Number of examples.
    var count: Int { get }
    /// Example `i`: values shaped like `BaseModelConfig.sampleShape` (video in [-1, 1]) and its text vector.
    func example(_ i: Int) -> (values: [Float], text: [Float])
}

/// Epsilon-prediction training of a `BaseUNet` on the linear schedule (1e-4 to 0.02).
///
/// The model sees `config.toModel(clip: x0)` (μ-law and `dataScale`, or the spectrogram). Each step draws, from a generator seeded by (seed, step) so that a resumed run repeats an
/// uninterrupted one, `batchSize` examples with replacement, a uniform integer step t per
/// example and standard normal noise; replaces the text by the empty (zero) vector with
/// probability `textDropout`; and minimises `mean((eps_theta(x_t, t, text) - eps)^2)` with Adam,
/// gradients clipped to a global norm of `maxGradientNorm`. A preconditioned model
/// (`dataStd > 0`) weights each example's error by `1 / c_out(t)²` (per part with
/// `motionStd > 0`: temporal mean and deviation from it): the unit-variance loss of its
/// network F. With a `schedule` the learning rate of each update comes from it; with an
/// `average` the parameters' exponential moving average is updated after every step (the
/// weights file holds the average: `averagedModel()`).
public final class BaseModelTrainer {
    /// The global gradient-norm bound applied before each update.
    public static let maxGradientNorm: Float = 1
    /// The network being trained.
    public let model: BaseUNet
    /// Its optimiser.
    public let optimizer: BaseModelAdam
    /// Training seed (data order, steps, noise, dropout).
    public let seed: UInt64
    /// Examples per step.
    public var batchSize: Int
    /// Probability of training on the empty prompt.
    public var textDropout: Double
    /// The learning rate per step, or nil for the optimiser's constant rate.
    public var schedule: LearningRateSchedule?
    /// The exponential moving average of the parameters, or nil.
    public let average: ExponentialAverage?
    private let sqrtAlphaBar: [Float]
    private let sigma: [Float]

    /// A new model and optimiser (weights from `seed`).
    /// `emaDecay` 0 keeps no average; `schedule` nil trains at the constant rate `lr`.
    public convenience init(config: BaseModelConfig, seed: UInt64, lr: Float, batchSize: Int,
                            textDropout: Double = 0.1, emaDecay: Float = 0, schedule: LearningRateSchedule? = nil) throws {
        let model = try BaseUNet(config, seed: seed)
        let average = emaDecay > 0 ? ExponentialAverage(model.parameters(), decay: emaDecay) : nil
        try self.init(model: model, optimizer: BaseModelAdam(model.parameters(), lr: lr), seed: seed,
                      batchSize: batchSize, textDropout: textDropout, average: average, schedule: schedule)
    }

    /// Wraps an existing model and optimiser (for example, restored from a checkpoint).
    public init(model: BaseUNet, optimizer: BaseModelAdam, seed: UInt64, batchSize: Int,
                textDropout: Double = 0.1, average: ExponentialAverage? = nil, schedule: LearningRateSchedule? = nil) throws {
        guard batchSize >= 1, (0...1).contains(textDropout) else {
            throw GuidanceError.invalidConfiguration("training: batch size must be ≥ 1 and text dropout in [0, 1]")
        }
        if let average {
            guard average.decay > 0, average.decay < 1, average.values.map(\.shape) == optimizer.parameters.map(\.shape) else {
                throw GuidanceError.invalidConfiguration("training: the parameter average needs a decay in (0, 1) and one tensor per parameter")
            }
        }
        self.average = average
        self.schedule = schedule
        self.model = model
        self.optimizer = optimizer
        self.seed = seed
        self.batchSize = batchSize
        self.textDropout = textDropout
        let schedule = try NoiseSchedule.linear(steps: model.config.diffusionSteps)
        sqrtAlphaBar = schedule.alphaBars.map { Float($0.squareRoot()) }
        sigma = schedule.alphaBars.map { Float((1 - $0).squareRoot()) }
    }

    /// The number of steps taken so far.
    public var step: Int { optimizer.step }

    /// The network with the averaged parameters (a copy), or `model` itself without an average.
    public func averagedModel() throws -> BaseUNet {
        guard let average else { return model }
        let copy = try BaseUNet(model.config, seed: 0)
        for (target, source) in zip(copy.parameters(), average.values) { target.assign(source) }
        return copy
    }

    /// One optimisation step; returns the batch loss before the update.
    public func trainStep(on data: any BaseTrainingData) throws -> Float {
        guard data.count > 0 else { throw GuidanceError.invalidConfiguration("training: no examples") }
        let config = model.config
        var rng = Xoshiro256(seed: seed ^ (UInt64(optimizer.step + 1) &* 0x9E37_79B9_7F4A_7C15))
        let n = config.sampleShape.reduce(1, *)
        var xt = [Float](repeating: 0, count: batchSize * n)
        var eps = [Float](repeating: 0, count: batchSize * n)
        var texts = [Float](repeating: 0, count: batchSize * config.textDim)
        var steps = [Int](repeating: 0, count: batchSize)
        for b in 0..<batchSize {
            let (x0, text) = data.example(rng.int(below: data.count))
            guard x0.count == n, text.count == config.textDim else {
                throw GuidanceError.invalidShape("training example of \(x0.count) values and text \(text.count); expected \(n) and \(config.textDim)")
            }
            let t = rng.int(below: config.diffusionSteps)
            steps[b] = t
            let (a, s) = (sqrtAlphaBar[t], sigma[t])
            let clean = config.toModel(clip: x0)
            for i in 0..<n {
                let e = rng.normal()
                eps[b * n + i] = e
                xt[b * n + i] = a * clean[i] + s * e
            }
            if Double(rng.uniform()) >= textDropout {
                for j in 0..<config.textDim { texts[b * config.textDim + j] = text[j] }
            }
        }
        let shape = [batchSize] + config.sampleShape
        let prediction = model(Tensor(shape: shape, data: xt), steps: steps,
                               text: Tensor(shape: [batchSize, config.textDim], data: texts))
        let target = Tensor(shape: shape, data: eps)
        let loss: Tensor
        if let weighted = model.weightedLoss(prediction - target, steps: steps) {
            loss = (weighted * weighted).mean()
        } else {
            loss = meanSquaredError(prediction, target)
        }
        let (grads, _) = clipGradientNorm(gradient(of: loss, wrt: optimizer.parameters), maxNorm: Self.maxGradientNorm)
        if let schedule { optimizer.lr = schedule.rate(atStep: optimizer.step + 1) }
        optimizer.update(grads)
        average?.update(optimizer.parameters, step: optimizer.step)
        return loss.item
    }
}
