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

    enum CodingKeys: String, CodingKey {
        case key, source, line, index, window, start, duration, fps, frames, size, fit
        case sampleRate = "sample_rate", audioSamples = "audio_samples", channel, preset
        case sourceFps = "source_fps", sourceSize = "source_size", rotation, caption
    }

    /// Compact JSON with sorted keys, so identical inputs give identical bytes.
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }
}
