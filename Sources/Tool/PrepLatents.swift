import Foundation
import Latent
import MediaIO
import Tensor

/// The VAEs `prep --preset latent` encodes each window with, and what to write.
///
/// `@unchecked Sendable`: the models are loaded before the value is shared and are only read
/// afterwards (encoding never writes a parameter), so the prep workers may use them concurrently.
struct LatentEncoders: @unchecked Sendable {
    let video: AutoencoderKL?
    let audio: AutoencoderKL?
    let videoDir: String?
    let audioDir: String?
    /// Draw from the posterior instead of taking its mean.
    let sample: Bool
    /// Base seed of the posterior draws; each window's draw depends only on it, the list index and the window.
    let seed: UInt64
    /// Write only the latents (and json), not the pixel and waveform tensors.
    let latentsOnly: Bool
    /// Frames per encoder call.
    let frameBatch: Int

    /// Loads the VAE directories and checks that they fit the window format.
    init(videoDir: String?, audioDir: String?, settings: PrepSettings, sample: Bool, seed: UInt64,
         latentsOnly: Bool, frameBatch: Int) throws {
        self.videoDir = videoDir
        self.audioDir = audioDir
        self.sample = sample
        self.seed = seed
        self.latentsOnly = latentsOnly
        self.frameBatch = frameBatch
        video = try videoDir.map { try AutoencoderKL(directory: URL(fileURLWithPath: $0)) }
        audio = try audioDir.map { try AutoencoderKL(directory: URL(fileURLWithPath: $0)) }
        if let video, let videoDir {
            let f = video.config.downsampleFactor
            guard video.config.inChannels == 3 else {
                throw LatentError.badInput("--video-vae \(videoDir): in_channels is \(video.config.inChannels); RGB frames need 3")
            }
            guard settings.size % f == 0 else {
                throw LatentError.badInput("--video-vae \(videoDir): frame size \(settings.size) is not a multiple of the VAE's downsampling factor \(f)")
            }
        }
        if let audio, let audioDir {
            let f = audio.config.downsampleFactor, rows = AudioLDMMel.frames(forSamples: settings.audioSamples)
            guard audio.config.inChannels == 1 else {
                throw LatentError.badInput("--audio-vae \(audioDir): in_channels is \(audio.config.inChannels); a log-mel needs 1")
            }
            guard settings.sampleRate == AudioLDMMel.sampleRate else {
                throw LatentError.badInput("--audio-vae needs 16000 Hz audio (AudioLDM's mel front end), not --sample-rate \(settings.sampleRate)")
            }
            guard rows % f == 0, AudioLDMMel.nMels % f == 0 else {
                throw LatentError.badInput("--audio-vae \(audioDir): a \(rows)x\(AudioLDMMel.nMels) log-mel is not a multiple of the VAE's downsampling factor \(f)")
            }
        }
    }

    /// The latent shapes written for this format: video [C, F, S/f, S/f], audio [C, T/f, 64/f].
    func shapes(_ s: PrepSettings) -> (video: [Int]?, audio: [Int]?) {
        let v = video.map { m in
            [m.config.latentChannels, s.frames, s.size / m.config.downsampleFactor, s.size / m.config.downsampleFactor]
        }
        let a = audio.map { m in
            [m.config.latentChannels, AudioLDMMel.frames(forSamples: s.audioSamples) / m.config.downsampleFactor,
             AudioLDMMel.nMels / m.config.downsampleFactor]
        }
        return (v, a)
    }

    /// The posterior draw's generator for one window and modality.
    private func rng(index: Int, window: Int, stream: UInt64) -> Xoshiro256 {
        Xoshiro256(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(window) &* 0xBF58_476D_1CE4_E5B9 &+ stream)
    }

    /// Scaled latent of the mean (or a posterior draw): (z - shift) × scaling factor.
    private func latent(_ vae: AutoencoderKL, _ x: Tensor, rng: inout Xoshiro256) throws -> Tensor {
        let post = try vae.encode(x)
        let z = sample ? post.sample(rng: &rng) : post.mean
        return (z - vae.config.shiftFactor) * vae.config.scalingFactor
    }

    /// Video frames F×3×S×S (uint8) to the latent [C, F, h, w]: x/127.5 - 1 per frame, frames in batches.
    func videoLatent(_ frames: [UInt8], settings s: PrepSettings, index: Int, window: Int) throws -> Tensor? {
        guard let video else { return nil }
        var r = rng(index: index, window: window, stream: 1)
        let per = 3 * s.size * s.size
        var parts: [Tensor] = []
        var start = 0
        while start < s.frames {
            let end = min(start + frameBatch, s.frames)
            let values = frames[(start * per)..<(end * per)].map { Float($0) / 127.5 - 1 }
            parts.append(try latent(video, Tensor(shape: [end - start, 3, s.size, s.size], data: values), rng: &r))
            start = end
        }
        // [F, C, h, w] -> [C, F, h, w]
        return Tensor.concat(parts, axis: 0).permute([1, 0, 2, 3])
    }

    /// Mono 16 kHz samples to the latent [C, T/f, 64/f] of AudioLDM's log-mel (1, T, 64).
    func audioLatent(_ samples: [Float], index: Int, window: Int) throws -> Tensor? {
        guard let audio else { return nil }
        var r = rng(index: index, window: window, stream: 2)
        let mel = AudioLDMMel(frames: AudioLDMMel.frames(forSamples: samples.count))
        let x = Tensor(shape: [1, 1, mel.frames, AudioLDMMel.nMels], data: try mel.logMel(samples))
        let z = try latent(audio, x, rng: &r)
        return z.reshape(Array(z.shape.dropFirst()))
    }
}
