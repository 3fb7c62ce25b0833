import Tensor

/// Progress messages of a toy run (the caller decides where they go, e.g. stderr).
public typealias ToyProgress = (String) -> Void

/// The toy experiment (spec section 7): train the 1-D base model, draw fake pairs from it,
/// train discriminators per target and loss, and sample with joint guidance (ancestral DDPM,
/// stable logit as released).
public struct ToyExperiment {
    /// The settings.
    public let configuration: ToyConfiguration
    /// The diffusion schedule.
    public let schedule: NoiseSchedule

    /// An experiment with `configuration`.
    public init(_ configuration: ToyConfiguration) throws {
        guard configuration.baseCount > 0, configuration.realCount > 0, configuration.fakeCount > 0,
              configuration.evaluationCount > 0 else {
            throw GuidanceError.invalidConfiguration("sample counts must be positive")
        }
        self.configuration = configuration
        schedule = try NoiseSchedule.linear(steps: configuration.diffusionSteps)
    }

    /// A fresh base network initialised from `seed`.
    public func makeBase() -> ToyMLP {
        var rng = Xoshiro256(seed: configuration.seed)
        return ToyMLP(inputDimension: 1, widths: configuration.baseWidths, timeDim: configuration.baseTimeDim,
                      steps: configuration.diffusionSteps, rng: &rng)
    }

    /// A fresh discriminator network initialised from `seed + 17`.
    public func makeDiscriminator() -> ToyMLP {
        var rng = Xoshiro256(seed: configuration.seed &+ 17)
        return ToyMLP(inputDimension: 2, widths: configuration.discriminatorWidths,
                      timeDim: configuration.discriminatorTimeDim, steps: configuration.diffusionSteps, rng: &rng)
    }

    /// Trains a base network on `baseCount` samples of the 1-D mixture; returns it and the
    /// per-step losses.
    public func trainBase(progress: ToyProgress? = nil) throws -> (model: ToyMLP, losses: [Float]) {
        var rng = SeededRNG(seed: configuration.seed)
        let data = ToyData.base.sample(count: configuration.baseCount, using: &rng)
        let model = makeBase()
        let optimizer = Adam(model.parameters(), lr: configuration.learningRate)
        let trainer = try ToyTrainer(schedule: schedule, batchSize: configuration.batchSize)
        var losses = [Float]()
        losses.reserveCapacity(configuration.baseSteps)
        for step in 0..<configuration.baseSteps {
            losses.append(trainer.baseStep(model, optimizer, data: data, rng: &rng))
            if (step + 1) % 1000 == 0 {
                let recent = losses.suffix(1000)
                progress?("base step \(step + 1): loss \(recent.reduce(0, +) / Float(recent.count))")
            }
        }
        return (model, losses)
    }

    /// Trains one discriminator with `loss` on real target pairs against fake pairs.
    public func trainDiscriminator(base: ToyBaseModel, real: Batch, fake: Batch, loss: ToyDiscriminatorLoss,
                                   progress: ToyProgress? = nil) throws -> (model: ToyMLP, losses: [ToyStepLosses]) {
        let d = makeDiscriminator()
        let optimizer = Adam(d.parameters(), lr: configuration.learningRate)
        let trainer = try ToyTrainer(schedule: schedule, batchSize: configuration.batchSize)
        var rng = SeededRNG(seed: configuration.seed &+ 99)
        var history = [ToyStepLosses]()
        for step in 0..<configuration.discriminatorSteps {
            history.append(try trainer.discriminatorStep(d, optimizer, base: base, real: real, fake: fake, loss: loss,
                                                         lambda: configuration.lambda,
                                                         reduction: configuration.discReduction, rng: &rng))
            if (step + 1) % 500 == 0, let last = history.last {
                progress?("\(loss.rawValue) step \(step + 1): disc \(last.disc.map { "\($0)" } ?? "-"), "
                          + "dsm \(last.dsm.map { "\($0)" } ?? "-")")
            }
        }
        return (d, history)
    }

    /// Samples `count` pairs by ancestral DDPM with the base model on each coordinate and, if
    /// given, joint guidance from `discriminator` (scale `jointScale`, stable logit).
    public func samplePairs(base: ToyBaseModel, discriminator: ToyMLP?, count: Int, seed: UInt64) throws -> Batch {
        var rng = SeededRNG(seed: seed)
        let shapes = [[count, 1], [count, 1]]
        let independent = IndependentModalities([base, base])
        let xy: [Batch]
        if let discriminator {
            let joint = try JointGuidance(base: independent, discriminator: ToyDiscriminator(discriminator),
                                          schedules: [schedule, schedule],
                                          scales: [configuration.jointScale, configuration.jointScale])
            xy = try DDPMSampler().sample(joint, schedules: [schedule, schedule], shapes: shapes, rng: &rng)
        } else {
            xy = try DDPMSampler().sample(independent, schedules: [schedule, schedule], shapes: shapes, rng: &rng)
        }
        return try pairBatch(xy[0], xy[1])
    }

    /// Fake pairs: `2 n` independent base samples, consecutive values paired (as the reference).
    public func sampleFakePairs(base: ToyBaseModel, seed: UInt64) throws -> Batch {
        var rng = SeededRNG(seed: seed)
        let x = try DDPMSampler().sample(base, schedule: schedule, shape: [2 * configuration.fakeCount, 1], rng: &rng)
        return try Batch(shape: [configuration.fakeCount, 2], values: x.values)
    }

    /// Coverage and KDE NLL of `samples` against the setting's target.
    public func evaluate(_ samples: Batch, setting: ToySetting, method: String, reference: Batch) throws -> ToyEvaluation {
        let coverage = try ModeCoverage(samples: samples, means: setting.mixture.means)
        let nll = try configuration.bandwidths.map {
            try ToyMetrics.kdeNegativeLogLikelihood(samples: samples, reference: reference, bandwidth: $0)
        }
        return ToyEvaluation(setting: setting, method: method, coverage: coverage, nll: nll, samples: samples)
    }

    /// The whole experiment with an already trained base model: per setting, GT, no joint
    /// guidance, and one guided sampler per discriminator loss.
    ///
    /// Once the fake pairs exist, the unguided sampling and every discriminator's training and
    /// guided sampling are independent jobs with their own seeded generators; they run on
    /// `concurrentJobs` threads and give the same results for any number of threads.
    public func run(base network: ToyMLP, progress: ToyProgress? = nil) throws -> [ToyEvaluation] {
        let base = try ToyBaseModel(network)
        let fake = try sampleFakePairs(base: base, seed: configuration.seed &+ 1)
        let say = SerialProgress(progress)
        let targets = configuration.settings.map { ToyTarget($0, configuration) }
        // The longest jobs first (the DSM ones evaluate the base model every step), the
        // unguided sampling last, so two threads finish close together.
        let order: [ToyDiscriminatorLoss] = [.full, .dsm, .disc]
        var jobs = [(target: Int, loss: ToyDiscriminatorLoss)]()
        for loss in order where configuration.losses.contains(loss) {
            for t in targets.indices { jobs.append((t, loss)) }
        }
        let samples = try ToyJobs.run(count: jobs.count + 1, workers: configuration.concurrentJobs) { i -> Batch in
            // Unguided pairs do not depend on the target: sample them once.
            guard i < jobs.count else {
                return try samplePairs(base: base, discriminator: nil, count: configuration.evaluationCount,
                                       seed: configuration.seed &+ 5)
            }
            let (t, loss) = jobs[i]
            let setting = targets[t].setting
            say.say("\(setting.rawValue): training the discriminator with \(loss.rawValue)")
            let (d, _) = try trainDiscriminator(base: base, real: targets[t].real, fake: fake, loss: loss) {
                say.say("\(setting.rawValue) \($0)")
            }
            return try samplePairs(base: base, discriminator: d, count: configuration.evaluationCount,
                                   seed: configuration.seed &+ 5)
        }
        var results = [ToyEvaluation]()
        for (t, target) in targets.enumerated() {
            let reference = target.reference
            results.append(try evaluate(target.truth, setting: target.setting, method: "GT", reference: reference))
            results.append(try evaluate(samples[jobs.count], setting: target.setting, method: "no joint",
                                        reference: reference))
            for loss in configuration.losses {
                guard let j = jobs.firstIndex(where: { $0.target == t && $0.loss == loss }) else { continue }
                let e = try evaluate(samples[j], setting: target.setting, method: loss.rawValue, reference: reference)
                say.say("\(target.setting.rawValue)/\(loss.rawValue): on-target \(e.coverage.onTargetFraction), NLL \(e.nll)")
                results.append(e)
            }
        }
        return results
    }
}

/// One target's data: real pairs for the discriminators, the KDE reference and ground-truth
/// samples, drawn in that order from the setting's own generator.
struct ToyTarget {
    let setting: ToySetting
    let real: Batch
    let reference: Batch
    let truth: Batch

    init(_ setting: ToySetting, _ configuration: ToyConfiguration) {
        var rng = SeededRNG(seed: configuration.seed &+ (setting == .inDomain ? 1000 : 1001))
        self.setting = setting
        real = setting.mixture.sample(count: configuration.realCount, using: &rng)
        reference = setting.mixture.sample(count: configuration.evaluationCount, using: &rng)
        truth = setting.mixture.sample(count: configuration.evaluationCount, using: &rng)
    }
}

/// The pairs of two `[n, 1]` batches as one `[n, 2]` batch.
func pairBatch(_ x: Batch, _ y: Batch) throws -> Batch {
    guard x.sampleSize == 1, y.sampleSize == 1, x.batchSize == y.batchSize else {
        throw GuidanceError.invalidShape("pairs need two [n, 1] batches of the same size")
    }
    var v = [Float](repeating: 0, count: 2 * x.batchSize)
    for b in 0..<x.batchSize {
        v[2 * b] = x.values[b]
        v[2 * b + 1] = y.values[b]
    }
    return try Batch(shape: [x.batchSize, 2], values: v)
}
