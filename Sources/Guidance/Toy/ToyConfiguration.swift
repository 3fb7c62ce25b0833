import Tensor

/// One 2-D target of the toy experiment.
public enum ToySetting: String, Sendable, CaseIterable {
    /// The in-domain target (marginals equal the base).
    case inDomain = "IND"
    /// The out-of-domain target (marginals differ from the base).
    case outOfDomain = "OOD"

    /// The target mixture.
    public var mixture: GaussianMixture { self == .inDomain ? ToyData.inDomain : ToyData.outOfDomain }
}

/// The settings of a toy run (defaults: spec section 5 and the reference `toy_torch.py`).
public struct ToyConfiguration: Sendable {
    /// Seed of every generator (network initialisation, data, training, sampling).
    public var seed: UInt64 = 0
    /// Diffusion steps T (linear beta 1e-4 to 0.02).
    public var diffusionSteps = 500
    /// Base-model training steps.
    public var baseSteps = 20_000
    /// Discriminator training steps per loss and setting.
    public var discriminatorSteps = 10_000
    /// Batch size (pairs per batch for the discriminator, each of real and fake).
    public var batchSize = 512
    /// Adam learning rate.
    public var learningRate: Float = 1e-3
    /// The weight lambda of `L_dsm` in the full loss.
    public var lambda: Float = 1
    /// How `L_disc` combines its two terms.
    public var discReduction = DiscReduction.sum
    /// Base training samples of the 1-D mixture.
    public var baseCount = 500
    /// Real pairs from the target.
    public var realCount = 500
    /// Fake pairs, sampled from the base model independently.
    public var fakeCount = 500
    /// Samples for evaluation (and the KDE reference size).
    public var evaluationCount = 4000
    /// The discriminator losses to train.
    public var losses = ToyDiscriminatorLoss.allCases
    /// The targets.
    public var settings = ToySetting.allCases
    /// The joint scale js.
    public var jointScale = 1.0
    /// Hidden widths and timestep width of the base model (paper Table 5).
    public var baseWidths = [16, 64, 256, 64, 16], baseTimeDim = 256
    /// Hidden widths and timestep width of the discriminator (paper Table 5).
    public var discriminatorWidths = [64, 32, 8], discriminatorTimeDim = 64
    /// KDE bandwidths for the NLL.
    public var bandwidths = [0.1, 0.25, 0.386]
    /// Threads for the independent discriminator jobs (default: the cores); any value gives
    /// the same results.
    public var concurrentJobs = TensorEngine.threads

    /// The defaults.
    public init() {}
}

/// One evaluated method of one setting.
public struct ToyEvaluation: Sendable {
    /// The target.
    public let setting: ToySetting
    /// "GT", "no joint", or the discriminator loss's name.
    public let method: String
    /// On-target fraction, mode counts and spread.
    public let coverage: ModeCoverage
    /// The KDE negative log-likelihood per bandwidth (in `bandwidths` order).
    public let nll: [Double]
    /// The samples `[n, 2]`.
    public let samples: Batch
}
