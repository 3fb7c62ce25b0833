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

/// The frames a decode should deliver.
public struct VideoSpec: Sendable, Equatable {
    /// nil: every decoded frame in order (native timing); else frame k is chosen for
    /// time `start + k/fps` as `FrameSelector` documents (ffmpeg `fps` filter rounding).
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

    /// Makes a video spec.
    public init(fps: Double? = nil, size: Int? = nil, fit: FrameFit = .pad,
                pixels: PixelLayout = .rgb24, maxFrames: Int? = nil,
                autorotate: Bool = true, threads: Int = 1) {
        self.fps = fps
        self.size = size
        self.fit = fit
        self.pixels = pixels
        self.maxFrames = maxFrames
        self.autorotate = autorotate
        self.threads = threads
    }
}
