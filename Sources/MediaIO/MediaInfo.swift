/// What an input holds, read when it is opened (no decoding).
public struct MediaInfo: Sendable, Equatable {
    /// The input as given ("-" for stdin).
    public var path: String
    /// Demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm".
    public var formatName: String
    /// Container duration in seconds, when known.
    public var duration: Double?
    /// Container start time in seconds; all other times in this module are relative to it.
    public var startTime: Double
    /// Whether there is an audio stream.
    public var hasAudio: Bool
    /// Whether there is a video stream (attached cover pictures do not count).
    public var hasVideo: Bool
    /// Audio codec name, e.g. "aac".
    public var audioCodec: String?
    /// Audio sample rate in Hz.
    public var audioSampleRate: Int?
    /// Audio channel count.
    public var audioChannels: Int?
    /// Audio stream start, seconds after `startTime`.
    public var audioStart: Double?
    /// Video codec name, e.g. "h264".
    public var videoCodec: String?
    /// Coded (stored) width.
    public var width: Int?
    /// Coded (stored) height.
    public var height: Int?
    /// Decoded pixel format name, e.g. "yuv420p".
    public var pixelFormat: String?
    /// Clockwise rotation in degrees (0, 90, 180, 270) that the ffmpeg CLI applies by default.
    public var rotation: Int
    /// Width after rotation.
    public var displayWidth: Int?
    /// Height after rotation.
    public var displayHeight: Int?
    /// Frame rate guess (`av_guess_frame_rate`).
    public var videoFPS: Double?
    /// Video stream start, seconds after `startTime`.
    public var videoStart: Double?
    /// Frame count the container declares, when it does.
    public var videoFrameCount: Int?
    /// Total bit rate in bits/s, when known.
    public var bitRate: Int?
    /// Whether the input can seek (false for stdin).
    public var seekable: Bool

    /// Makes an info value; all fields but the path are optional or defaulted.
    public init(path: String, formatName: String = "", duration: Double? = nil, startTime: Double = 0,
                hasAudio: Bool = false, hasVideo: Bool = false, audioCodec: String? = nil,
                audioSampleRate: Int? = nil, audioChannels: Int? = nil, audioStart: Double? = nil,
                videoCodec: String? = nil, width: Int? = nil, height: Int? = nil,
                pixelFormat: String? = nil, rotation: Int = 0, displayWidth: Int? = nil,
                displayHeight: Int? = nil, videoFPS: Double? = nil, videoStart: Double? = nil,
                videoFrameCount: Int? = nil, bitRate: Int? = nil, seekable: Bool = false) {
        self.path = path
        self.formatName = formatName
        self.duration = duration
        self.startTime = startTime
        self.hasAudio = hasAudio
        self.hasVideo = hasVideo
        self.audioCodec = audioCodec
        self.audioSampleRate = audioSampleRate
        self.audioChannels = audioChannels
        self.audioStart = audioStart
        self.videoCodec = videoCodec
        self.width = width
        self.height = height
        self.pixelFormat = pixelFormat
        self.rotation = rotation
        self.displayWidth = displayWidth
        self.displayHeight = displayHeight
        self.videoFPS = videoFPS
        self.videoStart = videoStart
        self.videoFrameCount = videoFrameCount
        self.bitRate = bitRate
        self.seekable = seekable
    }
}
