/// Settings for `MP4Writer`: quality, optional upscale, audio bit rate and container layout.
public struct MP4Options: Sendable {
    /// x264 constant rate factor (0 = lossless, 18 = visually transparent, 51 = worst).
    public var crf: Int = 18
    /// Scale pictures so the longer side is this many pixels (bicubic), e.g. 256 turns 64×64
    /// into 256×256 for viewing; nil keeps the size given.
    public var size: Int?
    /// x264 preset name ("ultrafast" … "veryslow").
    public var preset: String = "medium"
    /// AAC bit rate in bits per second.
    public var audioBitrate: Int = 128_000
    /// Fragmented MP4 (for pipes) or not; nil = fragmented exactly when the output is not a
    /// seekable regular file.
    public var fragmented: Bool?
    /// Whether to write an audio stream at all (a sample rate of 0 also turns it off).
    public var audio: Bool = true

    /// Options with the defaults above.
    public init(crf: Int = 18, size: Int? = nil, preset: String = "medium",
                audioBitrate: Int = 128_000, fragmented: Bool? = nil, audio: Bool = true) {
        self.crf = crf
        self.size = size
        self.preset = preset
        self.audioBitrate = audioBitrate
        self.fragmented = fragmented
        self.audio = audio
    }

    /// The encoded picture size for `width`×`height` input: longer side `size`, aspect kept,
    /// both sides rounded to even numbers as yuv420p needs.
    func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard let size, size > 0 else { return (width, height) }
        let longer = max(width, height)
        func scaled(_ side: Int) -> Int {
            let exact = Double(side) * Double(size) / Double(longer)
            return max(2, Int((exact / 2).rounded()) * 2)
        }
        return (scaled(width), scaled(height))
    }
}
