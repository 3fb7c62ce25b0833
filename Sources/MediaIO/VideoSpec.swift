/// How a resized frame is made square.
public enum FrameFit: String, Sendable, CaseIterable {
    /// Fit inside S×S and centre it on black (letterbox).
    case pad
    /// Cover S×S and cut the centre out.
    case crop
}

/// Byte order of the packed 3-byte pixels.
public enum PixelLayout: String, Sendable, CaseIterable {
    /// R, G, B.
    case rgb24
    /// B, G, R (OpenCV's order).
    case bgr24
}

/// Which decoded frame fills output slot k (time start + k/fps) in fps mode.
public enum FrameTiming: String, Sendable, CaseIterable {
    /// Like `ffmpeg -vf fps=R`: the last frame whose pts rounds (half away from zero) to a slot ≤ k,
    /// i.e. the frame on screen just before start + (k + ½)/fps. The default.
    case fpsFilter
    /// Strictly the frame on screen at start + k/fps: the last frame with pts ≤ that time.
    case onScreen
}

/// The frames a decode should deliver.
public struct VideoSpec: Sendable, Equatable {
    /// nil: every decoded frame in order (native timing); else frame k is chosen for
    /// time `start + k/fps` as `timing` and `FrameSelector` document (default: ffmpeg `fps` filter).
    public var fps: Double?
    /// nil: native size; else keep the aspect ratio (bicubic) and fit to size×size.
    public var size: Int?
    /// Pad or crop to the square (used when `size` is set).
    public var fit: FrameFit
    /// RGB or BGR.
    public var pixels: PixelLayout
    /// Stop after this many output frames.
    public var maxFrames: Int?
    /// Apply the display-matrix rotation like the ffmpeg CLI does (false: raw decoded orientation, like OpenCV).
    public var autorotate: Bool
    /// Video decoder threads (1 = single-threaded; 0 = FFmpeg picks).
    public var threads: Int
    /// How fps-mode slots pick frames (see `FrameSelector`).
    public var timing: FrameTiming

    /// Makes a video spec.
    public init(fps: Double? = nil, size: Int? = nil, fit: FrameFit = .pad,
                pixels: PixelLayout = .rgb24, maxFrames: Int? = nil,
                autorotate: Bool = true, threads: Int = 1, timing: FrameTiming = .fpsFilter) {
        self.fps = fps
        self.size = size
        self.fit = fit
        self.pixels = pixels
        self.maxFrames = maxFrames
        self.autorotate = autorotate
        self.threads = threads
        self.timing = timing
    }
}
