import Foundation

/// The shape and width of the two-stream audio-video discriminator; stored in the weights
/// file's metadata so a file rebuilds its own network.
public struct AVDiscriminatorConfig: Sendable, Equatable, Codable {
    /// One audio sample `[1, L]` (the audio base model's sample shape).
    public var audioShape: [Int]
    /// One video sample `[F, 3, H, W]` (the video base model's sample shape).
    public var videoShape: [Int]
    /// Average-pooling factor per frame side before the video stem (64×64 → 16×16 at 4).
    public var videoPool: Int
    /// Audio samples folded into the channels of one stem position (100 at 16 kHz: 6.25 ms).
    public var audioFold: Int
    /// Feeds each stream explicit change features besides its input: the absolute frame
    /// difference of the pooled video, and the rectified (absolute) audio samples.
    public var motionInputs: Bool
    /// Channels of the two stream levels (stem and first block, second block).
    public var channels: [Int]
    /// ResBlocks per stream level (the first block of the first level changes the width).
    public var blocksPerLevel: Int
    /// Channels of the temporal fusion blocks.
    public var fusionChannels: Int
    /// Temporal fusion blocks after the streams are joined frame by frame.
    public var fusionBlocks: Int
    /// GroupNorm groups.
    public var groups: Int
    /// Width of the timestep embedding.
    public var timeDim: Int
    /// Width of the text vector (`TextEncoder.dimension`).
    public var textDim: Int
    /// Diffusion steps of the base models' schedule (the integer t the network sees).
    public var diffusionSteps: Int
    /// The audio base model's data scale: the discriminator sees audio as that model does.
    public var audioScale: Float
    /// The audio base model's μ-law (0: none), applied before `audioScale`.
    public var audioMuLaw: Float
    /// The audio base model's spectrogram hop (0: it works on the waveform) and floor: the
    /// discriminator sees audio as that model does.
    public var audioSpectrogramHop: Int
    /// See `audioSpectrogramHop`.
    public var audioSpectrogramFloor: Float
    /// The network is trained, and guides, only at diffusion steps below this (at most
    /// `diffusionSteps`, which means all). Synchrony is visible only while the events still
    /// stand out of the noise: trained at every step, the discriminator told fakes by their
    /// artefacts at every t (AUC 0.98) and real from re-paired real clips at none (AUC 0.50).
    public var maxStep: Int

    /// The default configuration for the tool's base models (16 frames of 64×64, 25,600 samples).
    public init(audioShape: [Int] = [1, 25_600], videoShape: [Int] = [16, 3, 64, 64], videoPool: Int = 4,
                audioFold: Int = 100, motionInputs: Bool = true, channels: [Int] = [16, 32], blocksPerLevel: Int = 1, fusionChannels: Int = 64, fusionBlocks: Int = 2,
                groups: Int = 8, timeDim: Int = 128, textDim: Int = 256, diffusionSteps: Int = 1000,
                audioScale: Float = 1, audioMuLaw: Float = 0, audioSpectrogramHop: Int = 0, audioSpectrogramFloor: Float = 0,
                maxStep: Int? = nil) {
        self.audioShape = audioShape
        self.videoShape = videoShape
        self.videoPool = videoPool
        self.audioFold = audioFold
        self.motionInputs = motionInputs
        self.channels = channels
        self.blocksPerLevel = blocksPerLevel
        self.fusionChannels = fusionChannels
        self.fusionBlocks = fusionBlocks
        self.groups = groups
        self.timeDim = timeDim
        self.textDim = textDim
        self.diffusionSteps = diffusionSteps
        self.audioScale = audioScale
        self.audioMuLaw = audioMuLaw
        self.audioSpectrogramHop = audioSpectrogramHop
        self.audioSpectrogramFloor = audioSpectrogramFloor
        self.maxStep = maxStep ?? diffusionSteps
    }

    private enum CodingKeys: String, CodingKey {
        case audioShape, videoShape, videoPool, audioFold, motionInputs, channels, blocksPerLevel, fusionChannels, fusionBlocks, groups,
             timeDim, textDim, diffusionSteps, audioScale, audioMuLaw, audioSpectrogramHop, audioSpectrogramFloor, maxStep
    }

    /// Decodes a configuration; files written before `blocksPerLevel`, `audioMuLaw`,
    /// `motionInputs`, `maxStep` or `audioSpectrogramHop` existed have one block per level, no
    /// μ-law, no change features, every step and a waveform.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        audioShape = try c.decode([Int].self, forKey: .audioShape)
        videoShape = try c.decode([Int].self, forKey: .videoShape)
        videoPool = try c.decode(Int.self, forKey: .videoPool)
        audioFold = try c.decode(Int.self, forKey: .audioFold)
        motionInputs = try c.decodeIfPresent(Bool.self, forKey: .motionInputs) ?? false
        channels = try c.decode([Int].self, forKey: .channels)
        blocksPerLevel = try c.decodeIfPresent(Int.self, forKey: .blocksPerLevel) ?? 1
        fusionChannels = try c.decode(Int.self, forKey: .fusionChannels)
        fusionBlocks = try c.decode(Int.self, forKey: .fusionBlocks)
        groups = try c.decode(Int.self, forKey: .groups)
        timeDim = try c.decode(Int.self, forKey: .timeDim)
        textDim = try c.decode(Int.self, forKey: .textDim)
        diffusionSteps = try c.decode(Int.self, forKey: .diffusionSteps)
        audioScale = try c.decode(Float.self, forKey: .audioScale)
        audioMuLaw = try c.decodeIfPresent(Float.self, forKey: .audioMuLaw) ?? 0
        audioSpectrogramHop = try c.decodeIfPresent(Int.self, forKey: .audioSpectrogramHop) ?? 0
        audioSpectrogramFloor = try c.decodeIfPresent(Float.self, forKey: .audioSpectrogramFloor) ?? 0
        maxStep = try c.decodeIfPresent(Int.self, forKey: .maxStep) ?? diffusionSteps
    }

    /// Audio stem positions per video frame after the two 4× poolings must be exactly one:
    /// `L / fold / 16 == F`.
    public func validate() throws {
        func bad(_ why: String) -> GuidanceError { .invalidConfiguration("discriminator configuration: \(why)") }
        guard audioShape.count == 2, audioShape[0] == 1, audioShape[1] > 0 else { throw bad("audio shape must be [1, L], got \(audioShape)") }
        guard videoShape.count == 4, videoShape[1] == 3, videoShape.allSatisfy({ $0 > 0 }) else {
            throw bad("video shape must be [F, 3, H, W], got \(videoShape)")
        }
        guard channels.count == 2, channels.allSatisfy({ $0 > 0 && $0 % groups == 0 }),
              fusionChannels > 0, fusionChannels % groups == 0, groups > 0 else {
            throw bad("two stream widths and a fusion width, each divisible by groups \(groups)")
        }
        guard fusionBlocks >= 1, blocksPerLevel >= 1, timeDim >= 4, timeDim % 2 == 0, textDim > 0, diffusionSteps > 0 else {
            throw bad("fusion blocks and blocks per level ≥ 1, an even time width ≥ 4, positive text width and steps")
        }
        guard videoPool >= 1, videoShape[2] % (videoPool * 4) == 0, videoShape[3] % (videoPool * 4) == 0 else {
            throw bad("frame size \(videoShape[2])x\(videoShape[3]) must be divisible by 4 × video pool \(videoPool)")
        }
        let frames = videoShape[0]
        guard audioFold >= 1, audioShape[1] == audioFold * 16 * frames else {
            throw bad("audio length \(audioShape[1]) must be audio fold \(audioFold) × 16 × \(frames) frames")
        }
        guard audioScale.isFinite, audioScale > 0, audioMuLaw.isFinite, audioMuLaw >= 0 else {
            throw bad("audio scale must be positive and μ-law non-negative")
        }
        guard (1...diffusionSteps).contains(maxStep) else {
            throw bad("the largest trained step must be between 1 and \(diffusionSteps), got \(maxStep)")
        }
    }

    /// Whether base models with these configurations produce what the discriminator was built
    /// for: the same shapes, steps, text width and audio data transform.
    public func fits(audio: BaseModelConfig, video: BaseModelConfig) -> Bool {
        audio.modality == .audio && video.modality == .video && audio.sampleShape == audioShape
            && video.sampleShape == videoShape && audio.diffusionSteps == diffusionSteps
            && video.diffusionSteps == diffusionSteps && audio.textDim == textDim && video.textDim == textDim
            && adoptingAudioTransform(of: audio) == self
    }

    /// This configuration with the audio base model's data transform (data scale, μ-law,
    /// spectrogram hop and floor), so the discriminator sees audio as that model does.
    public func adoptingAudioTransform(of audio: BaseModelConfig) -> AVDiscriminatorConfig {
        var c = self
        c.audioScale = audio.dataScale
        c.audioMuLaw = audio.muLaw
        c.audioSpectrogramHop = audio.spectrogramHop
        c.audioSpectrogramFloor = audio.spectrogramFloor
        return c
    }

    /// The configuration as compact JSON (sorted keys), for the weights' metadata.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Parses `json()` output.
    public static func parse(json: String) throws -> AVDiscriminatorConfig {
        do {
            let config = try JSONDecoder().decode(AVDiscriminatorConfig.self, from: Data(json.utf8))
            try config.validate()
            return config
        } catch let error as GuidanceError {
            throw error
        } catch {
            throw GuidanceError.invalidConfiguration("discriminator configuration is not valid JSON: \(error)")
        }
    }
}
