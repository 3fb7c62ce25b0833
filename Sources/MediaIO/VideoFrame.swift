/// One delivered picture: packed height×width×3 bytes.
public struct VideoFrame: Sendable {
    /// 0-based output index within the decode call.
    public var index: Int
    /// Seconds from the container start: `start + index/fps` in fps mode, else the frame's own time.
    public var time: Double
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Pixels, row-major, 3 bytes each (RGB or BGR as asked).
    public var pixels: [UInt8]
    /// Seconds from the container start of the decoded frame shown (its best-effort timestamp).
    public var sourceTime: Double

    /// Makes a frame; `sourceTime` defaults to `time`.
    public init(index: Int, time: Double, width: Int, height: Int, pixels: [UInt8],
                sourceTime: Double? = nil) {
        self.index = index
        self.time = time
        self.width = width
        self.height = height
        self.pixels = pixels
        self.sourceTime = sourceTime ?? time
    }
}
