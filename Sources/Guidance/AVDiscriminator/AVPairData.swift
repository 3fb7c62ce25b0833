/// Audio-video pairs held for discriminator training (real clips, or fakes from the base models).
public protocol AVPairData {
    /// Number of pairs.
    var count: Int { get }
    /// Pair `i`: audio `[1, L]` as stored (before the audio model's data scale), video
    /// `[F, 3, H, W]` in [-1, 1], and its caption's text vector.
    func pair(_ i: Int) -> (audio: [Float], video: [Float], text: [Float])
    /// The group of pair `i` (for example its caption's class): mismatched negatives pair the
    /// audio of one clip with the video of another clip of the same group.
    func group(_ i: Int) -> Int
}

/// Which loss trains the discriminator (spec section 3).
public enum DiscriminatorLoss: String, Sendable, CaseIterable, Codable {
    /// `L_disc`: binary cross-entropy on the logits, real = 1, negative = 0.
    case disc
    /// `L_dsm`: on real pairs, the residual must be the noise the base models got wrong.
    case dsm
    /// `L_disc + lambda L_dsm`.
    case full

    /// Whether `L_disc` is part of the loss.
    public var usesDisc: Bool { self != .dsm }
    /// Whether `L_dsm` is part of the loss.
    public var usesDSM: Bool { self != .disc }
}

/// The losses of one discriminator step (nil when not part of the chosen loss).
public struct DiscriminatorStepLosses: Sendable, Equatable {
    /// `L_disc = mean BCE(h_real, 1) + mean BCE(h_negative, 0)`.
    public var disc: Float?
    /// `L_dsm` (mean squared error per modality, summed over the two).
    public var dsm: Float?
    /// Fraction of the step's pairs on the right side of h = 0 (real > 0, negative < 0).
    public var accuracy: Float
}
