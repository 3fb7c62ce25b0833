/// Bounds that protect a decode from hostile or runaway inputs.
public struct DecodeLimits: Sendable, Equatable {
    /// Largest accepted frame width in pixels.
    public var maxWidth: Int
    /// Largest accepted frame height in pixels.
    public var maxHeight: Int
    /// Largest accepted width × height of a frame.
    public var maxPixels: Int
    /// Longest accepted media span, in seconds, for one decode.
    public var maxDuration: Double
    /// Wall-clock budget in seconds for opening, and again for each `decode` call (nil: none).
    public var timeout: Double?

    /// Makes limits; the defaults accept anything a sane clip has.
    public init(maxWidth: Int = 16384, maxHeight: Int = 16384, maxPixels: Int = 40_000_000,
                maxDuration: Double = 24 * 3600, timeout: Double? = nil) {
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPixels = maxPixels
        self.maxDuration = maxDuration
        self.timeout = timeout
    }

    /// Throws `limitExceeded` when a `width`×`height` frame is beyond the limits.
    func checkFrame(width: Int, height: Int, input: String) throws {
        if width <= 0 || height <= 0 {
            throw MediaError(input: input, reason: "invalid frame size \(width)x\(height)",
                             kind: .limitExceeded)
        }
        if width > maxWidth || height > maxHeight || width * height > maxPixels {
            throw MediaError(
                input: input,
                reason: "frame size \(width)x\(height) exceeds the limit "
                    + "(\(maxWidth)x\(maxHeight), \(maxPixels) pixels)",
                kind: .limitExceeded)
        }
    }

    /// Throws `limitExceeded` when fitting a `width`×`height` frame to a `side`×`side` square
    /// needs a scaled picture of more than `maxPixels` (a very thin frame cropped to a square:
    /// 4000×2 covering 256×256 would be scaled to 512000×256 first).
    func checkScaled(width: Int, height: Int, side: Int, fit: FrameFit, input: String) throws {
        let (w, h) = ImageOps.fittedSize(width: width, height: height, side: side, fit: fit)
        if w * h > maxPixels {
            throw MediaError(
                input: input,
                reason: "a \(width)x\(height) frame fitted (\(fit)) to \(side)x\(side) is first scaled to "
                    + "\(w)x\(h), over the limit of \(maxPixels) pixels",
                kind: .limitExceeded)
        }
    }
}
