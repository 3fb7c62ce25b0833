/// Gray conversion as OpenCV 5's `cvtColor(BGR2GRAY)` for 8-bit input.
public enum GrayConversion {
    /// Converts packed BGR24 (HWC) to 8-bit gray:
    /// `gray = (3735*B + 19235*G + 9798*R + 16384) >> 15` (15-bit fixed point, bit-exact).
    public static func gray(bgr24 pixels: [UInt8], width: Int, height: Int) -> [UInt8] {
        let n = width * height
        precondition(pixels.count >= n * 3, "BGR24 buffer too small")
        var out = [UInt8](repeating: 0, count: n)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<n {
                    let b = UInt32(src[3 * i]), g = UInt32(src[3 * i + 1]), r = UInt32(src[3 * i + 2])
                    dst[i] = UInt8(truncatingIfNeeded: (3735 &* b &+ 19235 &* g &+ 9798 &* r &+ 16384) >> 15)
                }
            }
        }
        return out
    }
}
