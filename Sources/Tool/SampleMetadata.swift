import Foundation
import MediaIO

/// The `KEY.json` sidecar of one window: where it came from and the format it is in.
struct SampleMetadata: Codable, Sendable {
    var key: String
    var source: String
    var line: Int
    var index: Int
    var window: Int
    var start: Double
    var duration: Double
    var fps: Double
    var frames: Int
    var size: Int
    var fit: String
    var sampleRate: Int
    var audioSamples: Int
    var channel: String
    var preset: String
    var sourceFps: Double?
    var sourceSize: [Int]?
    var rotation: Int
    var caption: String?
    /// How the latents were made (`prep --preset latent` only).
    var latent: LatentMetadata? = nil

    enum CodingKeys: String, CodingKey {
        case key, source, line, index, window, start, duration, fps, frames, size, fit
        case sampleRate = "sample_rate", audioSamples = "audio_samples", channel, preset
        case sourceFps = "source_fps", sourceSize = "source_size", rotation, caption, latent
    }

    /// Compact JSON with sorted keys, so identical inputs give identical bytes.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}

/// The json's `latent` object: which VAEs made the latents and how.
struct LatentMetadata: Codable, Sendable {
    /// "mean" or "sample".
    var posterior: String
    /// The seed of the posterior draws (with "sample").
    var seed: UInt64?
    var videoVAE: String?
    var videoScalingFactor: Float?
    var audioVAE: String?
    var audioScalingFactor: Float?
    /// "audioldm-logmel-64" when there is an audio latent.
    var audioFrontEnd: String?

    enum CodingKeys: String, CodingKey {
        case posterior, seed, videoVAE = "video_vae", videoScalingFactor = "video_scaling_factor"
        case audioVAE = "audio_vae", audioScalingFactor = "audio_scaling_factor", audioFrontEnd = "audio_front_end"
    }

    init(_ l: LatentEncoders) {
        posterior = l.sample ? "sample" : "mean"
        seed = l.sample ? l.seed : nil
        videoVAE = l.videoDir
        videoScalingFactor = l.video?.config.scalingFactor
        audioVAE = l.audioDir
        audioScalingFactor = l.audio?.config.scalingFactor
        audioFrontEnd = l.audio == nil ? nil : "audioldm-logmel-64"
    }
}
