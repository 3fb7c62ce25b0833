import MediaIO

/// What `prep` does with a clip that has no audio stream.
enum MissingAudioPolicy: String, Sendable, CaseIterable { case skip, silence }
/// What `prep` does when the video ends before a window is full.
enum VideoPadPolicy: String, Sendable, CaseIterable { case none, last }
/// Which windows `prep` cuts from a clip.
enum WindowMode: String, Sendable, CaseIterable { case first, all }

/// The tensor format `prep` writes: one window of audio and video, resolved from a preset and flags.
struct PrepSettings: Sendable {
    var preset: String
    var sampleRate: Int
    var audioSamples: Int
    var channel: ChannelMode
    var frames: Int
    var fps: Double
    var size: Int
    var fit: FrameFit
    var windows: WindowMode
    var start: Double
    var padVideo: VideoPadPolicy
    var missingAudio: MissingAudioPolicy
    var limits: DecodeLimits

    /// Window length in seconds: frames / fps.
    var windowSeconds: Double { Double(frames) / fps }
}

/// The presets of the MMDisCo paper's tensor formats.
enum PrepPreset: String, Sendable, CaseIterable {
    /// MM-Diffusion: 1.6 s, 16 kHz first channel, 25,600 samples; 16 frames at 10 fps, 64×64, padded.
    case mmdiffusion
    /// Latent video models: 2.0 s, 32,000 samples; 16 frames at 8 fps, 256×256, centre-cropped.
    case latent256
    /// The latent256 window encoded by the base models' VAEs (`--video-vae`, `--audio-vae`):
    /// video latent [4, 16, 32, 32] from the SD VAE, audio latent [8, 50, 16] from AudioLDM's VAE.
    case latent

    /// The preset's settings before any flag overrides.
    var settings: PrepSettings {
        switch self {
        case .mmdiffusion:
            return PrepSettings(preset: rawValue, sampleRate: 16_000, audioSamples: 25_600, channel: .first,
                                frames: 16, fps: 10, size: 64, fit: .pad, windows: .first, start: 0,
                                padVideo: .none, missingAudio: .skip, limits: DecodeLimits())
        case .latent256, .latent:
            return PrepSettings(preset: rawValue, sampleRate: 16_000, audioSamples: 32_000, channel: .first,
                                frames: 16, fps: 8, size: 256, fit: .crop, windows: .first, start: 0,
                                padVideo: .none, missingAudio: .skip, limits: DecodeLimits())
        }
    }
}
