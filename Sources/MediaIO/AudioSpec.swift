/// How several channels become one.
public enum ChannelMode: String, Sendable, CaseIterable {
    /// Keep channel 0 only.
    case first
    /// The mean of all channels.
    case mix
}

/// Which resampler libswresample uses.
public enum ResamplerEngine: String, Sendable, CaseIterable {
    /// libswresample's own polyphase filter with its defaults (what `ffmpeg -ar` uses).
    case swr
    /// libsoxr through libswresample, set to soxr's "HQ" recipe (20-bit precision, linear phase).
    case soxr
}

/// The audio a decode should deliver: mono float32 at `sampleRate`.
public struct AudioSpec: Sendable, Equatable {
    /// Output sample rate in Hz.
    public var sampleRate: Int
    /// How channels are folded to mono.
    public var channelMode: ChannelMode
    /// Resampler implementation.
    public var engine: ResamplerEngine
    /// When the audio stream starts after `start`, deliver zeros for the gap so that
    /// sample 0 is at `start` (true), or start with the first decoded sample (false, like `ffmpeg`).
    public var padLeadingGap: Bool

    /// Makes an audio spec.
    public init(sampleRate: Int = 16000, channelMode: ChannelMode = .first,
                engine: ResamplerEngine = .swr, padLeadingGap: Bool = true) {
        self.sampleRate = sampleRate
        self.channelMode = channelMode
        self.engine = engine
        self.padLeadingGap = padLeadingGap
    }
}
