import Foundation

/// The modality a base model generates.
public enum BaseModality: String, Sendable, CaseIterable, Codable {
    /// Raw 16 kHz waveform `[1, 25600]`.
    case audio
    /// 16 RGB frames `[16, 3, 64, 64]` in [-1, 1].
    case video
}

/// The shape and width of a base U-Net; stored in the weights file's metadata so a file
/// rebuilds its own network.
public struct BaseModelConfig: Sendable, Equatable, Codable {
    /// The generated modality.
    public var modality: BaseModality
    /// The shape of one sample: audio `[1, L]`, video `[F, 3, H, W]`.
    public var sampleShape: [Int]
    /// Space-to-depth factor of the stem (audio: samples per position; video: pixels per side).
    public var fold: Int
    /// Channels per level, finest first (three levels: two downsamplings).
    public var channels: [Int]
    /// GroupNorm groups.
    public var groups: Int
    /// Width of the timestep embedding.
    public var timeDim: Int
    /// Width of the text vector (`TextEncoder.dimension`).
    public var textDim: Int
    /// Diffusion training steps of the linear schedule (1e-4 to 0.02).
    public var diffusionSteps: Int
    /// Adds `g(t, text) ⊙ fold(x_t)` to the output, per-channel gains from the embedding: a
    /// full-resolution path for the noise when the folded input has more channels than the
    /// first level (video: 192 folded channels, 64 features).
    public var inputSkip: Bool
    /// The model works on `dataScale · x`: synth audio (RMS about 0.04) is drowned by the noise
    /// early in the schedule at scale 1, so the audio model learns ×8; generated samples are
    /// divided back.
    public var dataScale: Float
    /// μ of the μ-law companding applied before `dataScale` (0: none). Synth audio is silent
    /// between events (half to 90% of its 16 ms windows below 1e-4), and a linear model's
    /// residual noise fills that silence; under μ-law (255) a model error of 0.01 in silence
    /// is 1e-4 of amplitude instead of 0.01.
    public var muLaw: Float
    /// The standard deviation of the model-space data; when positive the network is
    /// preconditioned (see `Preconditioning`): eps = c_skip(t) · x_t + c_out(t) · F(c_in(t) · x_t, t),
    /// trained with a unit-variance target for F. 0 (files written before it existed): the
    /// network's output is eps directly. Without it both models failed at large t: their eps
    /// error of 0.002-0.009 there, divided by sqrt(alpha_bar) (0.006 at t = 990), made x0
    /// estimates 10-60 times the data's own deviation, so samplers started from noise-sized x0.
    public var dataStd: Float
    /// Video only: every ResBlock also adds a 1×1 conv of its input averaged over the frames
    /// (the same at each frame), so each position sees the whole clip's static content. Without
    /// it the 2d+1d convs reach a few frames per block and samples flicker where synth
    /// backgrounds never move (temporal deviation 0.054 against 0.009 in real clips).
    public var temporalContext: Bool
    /// Video only, with `dataStd > 0`: the deviation of the frames from their own per-pixel
    /// temporal mean (synth clips: 0.085 against 0.50 for the mean image; 90% of the deviations
    /// are below 0.01). When positive the two parts of x_t are preconditioned apart: the
    /// temporal mean with `dataStd`, the deviation from it with `motionStd` (see `BaseUNet`).
    /// The skip term then predicts "no motion" wherever the network adds none, and the
    /// network's errors reach the motion part scaled by its much smaller `c_out`: the samples
    /// of a single preconditioning flickered where synth backgrounds never move. 0 (files
    /// written before it existed): one preconditioning for all.
    public var motionStd: Float
    /// Audio only, with `dataStd > 0`: the deviation of each band of the orthonormal DCT of
    /// `fold`-sample blocks (`BlockDCT`; 32 samples: 250 Hz bands), measured on the training
    /// data. When set, each band is preconditioned with its own deviation, so the skip term
    /// predicts near silence in bands the data hardly uses and the network's errors reach them
    /// scaled by their small `c_out`. With one deviation for all, the model's residual error
    /// was white: synth tones came out with broadband hiss (4-8 kHz holding 5-23% of the energy
    /// against 0-3% in real clips). Empty (files written before it existed): one for all.
    public var bandStd: [Float]
    /// Audio only: when positive the model works on the compressed STFT magnitudes of the
    /// waveform (`LogMagnitudeSpectrogram`, frames `spectrogramHop` apart with as many bins,
    /// stored frame by frame; the fold must equal it so each position is one frame), and samples
    /// come back to a waveform by Griffin-Lim. The waveform models' errors were white noise
    /// over every tone, and they never produced a recognisable tonal class. 0 (files written
    /// before it existed): the waveform itself.
    public var spectrogramHop: Int
    /// The compression knee of the spectrogram (see `LogMagnitudeSpectrogram.floor`).
    public var spectrogramFloor: Float

    /// Creates a configuration; see `validate()` for the constraints.
    public init(modality: BaseModality, sampleShape: [Int], fold: Int, channels: [Int], groups: Int = 8,
                timeDim: Int = 128, textDim: Int = 256, diffusionSteps: Int = 1000, inputSkip: Bool = false,
                dataScale: Float = 1, muLaw: Float = 0, dataStd: Float = 0, temporalContext: Bool = false,
                motionStd: Float = 0, bandStd: [Float] = [], spectrogramHop: Int = 0, spectrogramFloor: Float = 0) {
        self.modality = modality
        self.sampleShape = sampleShape
        self.fold = fold
        self.channels = channels
        self.groups = groups
        self.timeDim = timeDim
        self.textDim = textDim
        self.diffusionSteps = diffusionSteps
        self.inputSkip = inputSkip
        self.dataScale = dataScale
        self.muLaw = muLaw
        self.dataStd = dataStd
        self.temporalContext = temporalContext
        self.motionStd = motionStd
        self.bandStd = bandStd
        self.spectrogramHop = spectrogramHop
        self.spectrogramFloor = spectrogramFloor
    }

    private enum CodingKeys: String, CodingKey {
        case modality, sampleShape, fold, channels, groups, timeDim, textDim, diffusionSteps, inputSkip, dataScale, muLaw, dataStd, temporalContext, motionStd, bandStd, spectrogramHop, spectrogramFloor
    }

    /// Decodes a configuration; files written before `inputSkip`, `dataScale`, `muLaw`, `dataStd`, `temporalContext`, `motionStd`, `bandStd` or `spectrogramHop` existed have none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(modality: try c.decode(BaseModality.self, forKey: .modality),
                  sampleShape: try c.decode([Int].self, forKey: .sampleShape), fold: try c.decode(Int.self, forKey: .fold),
                  channels: try c.decode([Int].self, forKey: .channels), groups: try c.decode(Int.self, forKey: .groups),
                  timeDim: try c.decode(Int.self, forKey: .timeDim), textDim: try c.decode(Int.self, forKey: .textDim),
                  diffusionSteps: try c.decode(Int.self, forKey: .diffusionSteps),
                  inputSkip: try c.decodeIfPresent(Bool.self, forKey: .inputSkip) ?? false,
                  dataScale: try c.decodeIfPresent(Float.self, forKey: .dataScale) ?? 1,
                  muLaw: try c.decodeIfPresent(Float.self, forKey: .muLaw) ?? 0,
                  dataStd: try c.decodeIfPresent(Float.self, forKey: .dataStd) ?? 0,
                  temporalContext: try c.decodeIfPresent(Bool.self, forKey: .temporalContext) ?? false,
                  motionStd: try c.decodeIfPresent(Float.self, forKey: .motionStd) ?? 0,
                  bandStd: try c.decodeIfPresent([Float].self, forKey: .bandStd) ?? [],
                  spectrogramHop: try c.decodeIfPresent(Int.self, forKey: .spectrogramHop) ?? 0,
                  spectrogramFloor: try c.decodeIfPresent(Float.self, forKey: .spectrogramFloor) ?? 0)
    }

    /// One data value (audio sample or video value in [-1, 1]) as a waveform or video model
    /// sees it: μ-law companded when `muLaw > 0`, then times `dataScale`. A spectrogram model
    /// transforms whole clips: use `toModel(clip:)`.
    func toModel(_ x: Float) -> Float {
        guard muLaw > 0 else { return x * dataScale }
        let y = log1p(muLaw * abs(x)) / log1p(muLaw)
        return (x < 0 ? -y : y) * dataScale
    }

    /// The inverse of `toModel`: a model-space value back to data.
    func fromModel(_ y: Float) -> Float {
        let v = y / dataScale
        guard muLaw > 0 else { return v }
        let x = expm1(abs(v) * log1p(muLaw)) / muLaw
        return v < 0 ? -x : x
    }

    /// The spectrogram the model works on, if any.
    public var spectrogram: LogMagnitudeSpectrogram? {
        spectrogramHop > 0 ? LogMagnitudeSpectrogram.shared(hop: spectrogramHop, floor: spectrogramFloor) : nil
    }

    /// One clip (a waveform, or video values in [-1, 1]) as the model sees it: its compressed
    /// spectrogram when `spectrogramHop > 0`, else `toModel` of each value.
    public func toModel(clip: [Float]) -> [Float] {
        spectrogram.map { $0.values(of: clip) } ?? clip.map(toModel)
    }

    /// The inverse of `toModel(clip:)`; for a spectrogram, a Griffin-Lim reconstruction.
    public func fromModel(clip: [Float]) -> [Float] {
        spectrogram.map { $0.waveform(from: clip) } ?? clip.map(fromModel)
    }

    /// Whether the model's data lies in [-1, 1] (so samplers may threshold their x0 estimates).
    public var isBounded: Bool { dataScale == 1 }

    /// The default audio model: the compressed spectrogram of 25,600 samples, 256 frames of 100
    /// bins (hop 100: 6.25 ms, 80 Hz bins) with one frame per position, widths 96/192/192, the
    /// input skip (100 bins, 96 features), preconditioned for data deviation 0.19 (measured on
    /// synth clips). Without the input skip the first level could not carry each bin's noise
    /// and the model could not denoise at small t (eps error 0.8-1.0 below t = 10).
    public static let defaultAudio = BaseModelConfig(modality: .audio, sampleShape: [1, 25_600], fold: 100,
                                                     channels: [96, 192, 192], inputSkip: true, dataStd: spectrogramDataStd,
                                                     spectrogramHop: 100, spectrogramFloor: spectrogramFloor)
    /// The waveform audio model (the default before the spectrogram): 25,600 samples folded by
    /// 32 into 800 positions, widths 96/192/192, μ-law 255, preconditioned for data deviation
    /// 0.2 (measured on synth clips after μ-law).
    public static let waveformAudio = BaseModelConfig(modality: .audio, sampleShape: [1, 25_600], fold: 32,
                                                      channels: [96, 192, 192], muLaw: 255, dataStd: 0.2)
    /// The default video model: 64×64 frames folded by 4 into 16×16 positions (48 channels, fewer than
    /// the 64 features of the first level), widths 64/128/128, input skip, temporal context,
    /// preconditioned apart for the temporal mean (deviation 0.50) and the motion around it
    /// (0.085), both measured on synth frames in [-1, 1].
    public static let defaultVideo = BaseModelConfig(modality: .video, sampleShape: [16, 3, 64, 64], fold: 4,
                                                     channels: [64, 128, 128], inputSkip: true, dataStd: 0.5,
                                                     temporalContext: true, motionStd: 0.085)

    /// The spectrogram floor of the default audio model: magnitudes below it (a sine of
    /// amplitude 2e-6 at hop 100, whose peak bin is 50 times its amplitude) sit on the linear
    /// part of the compression.
    public static let spectrogramFloor: Float = 1e-4
    /// The deviation (root mean square) of synth clips' compressed magnitudes at hop 100 and
    /// `spectrogramFloor`.
    public static let spectrogramDataStd: Float = 0.19

    /// The default configuration of a modality.
    public static func standard(_ modality: BaseModality) -> BaseModelConfig {
        modality == .audio ? defaultAudio : defaultVideo
    }

    /// Channels after the space-to-depth fold (audio: fold; video: 3 · fold²).
    public var foldedChannels: Int { modality == .audio ? fold : 3 * fold * fold }

    /// Checks the sample shape against the fold, the two 4× (audio) or 2×2 (video) poolings and
    /// the groups, that only video asks for the temporal context or the motion deviation, and
    /// that band deviations are audio's, one per folded sample.
    public func validate() throws {
        guard channels.count == 3, channels.allSatisfy({ $0 > 0 && $0 % groups == 0 }) else {
            throw GuidanceError.invalidConfiguration("base model: need 3 channel widths divisible by \(groups) groups, got \(channels)")
        }
        guard dataScale > 0, dataScale.isFinite, muLaw >= 0, muLaw.isFinite, dataStd >= 0, dataStd.isFinite, fold >= 1, timeDim >= 4, timeDim % 2 == 0, textDim >= 1, diffusionSteps >= 2 else {
            throw GuidanceError.invalidConfiguration("base model: invalid fold, embedding widths or step count")
        }
        guard motionStd == 0 || (motionStd > 0 && motionStd.isFinite && modality == .video && dataStd > 0) else {
            throw GuidanceError.invalidConfiguration("base model: the motion deviation must be 0 (off) or positive and finite, and only for video models with a data deviation")
        }
        guard spectrogramHop == 0 || (spectrogramHop > 0 && spectrogramHop % 2 == 0 && modality == .audio && fold == spectrogramHop
                                      && muLaw == 0 && dataScale == 1 && bandStd.isEmpty
                                      && spectrogramFloor > 0 && spectrogramFloor.isFinite) else {
            throw GuidanceError.invalidConfiguration("base model: a spectrogram is for audio models, with an even hop equal to the fold, a positive floor, and no μ-law, data scale or band deviations")
        }
        guard bandStd.isEmpty || (modality == .audio && dataStd > 0 && bandStd.count == fold
                                  && bandStd.allSatisfy { $0 > 0 && $0.isFinite }) else {
            throw GuidanceError.invalidConfiguration("base model: band deviations are for audio models with a data deviation, one positive value per sample of the fold (\(fold)), got \(bandStd.count)")
        }
        switch modality {
        case .audio:
            guard !temporalContext else {
                throw GuidanceError.invalidConfiguration("base model: the temporal context is for video models")
            }
            guard sampleShape.count == 2, sampleShape[0] == 1, sampleShape[1] % (fold * 16) == 0 else {
                throw GuidanceError.invalidConfiguration("audio base model: shape must be [1, L] with L divisible by 16·fold, got \(sampleShape)")
            }
        case .video:
            guard sampleShape.count == 4, sampleShape[1] == 3, sampleShape[2] % (fold * 4) == 0,
                  sampleShape[3] % (fold * 4) == 0 else {
                throw GuidanceError.invalidConfiguration("video base model: shape must be [F, 3, H, W] with H, W divisible by 4·fold, got \(sampleShape)")
            }
        }
    }

    /// The configuration as compact JSON (safetensors metadata value).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Parses `json()` output.
    public static func parse(json: String) throws -> BaseModelConfig {
        do { return try JSONDecoder().decode(BaseModelConfig.self, from: Data(json.utf8)) } catch {
            throw GuidanceError.invalidConfiguration("base model: unreadable configuration metadata: \(error)")
        }
    }
}
