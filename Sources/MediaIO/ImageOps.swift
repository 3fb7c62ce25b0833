/// Pure operations on packed 3-byte-per-pixel images.
enum ImageOps {
    /// Rotates a packed width×height image clockwise by 90, 180 or 270 degrees (like ffmpeg's
    /// transpose=clock, hflip+vflip, transpose=cclock); returns the pixels and new size.
    static func rotate(_ src: [UInt8], width: Int, height: Int, degrees: Int) -> ([UInt8], Int, Int) {
        switch degrees {
        case 90, 180, 270: break
        default: return (src, width, height)
        }
        let outW = degrees == 180 ? width : height
        let outH = degrees == 180 ? height : width
        var out = [UInt8](repeating: 0, count: src.count)
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for r in 0..<outH {
                    for c in 0..<outW {
                        let (sr, sc): (Int, Int)
                        switch degrees {
                        case 90: (sr, sc) = (height - 1 - c, r)
                        case 180: (sr, sc) = (height - 1 - r, width - 1 - c)
                        default: (sr, sc) = (c, width - 1 - r)
                        }
                        let si = (sr * width + sc) * 3, di = (r * outW + c) * 3
                        d[di] = s[si]; d[di + 1] = s[si + 1]; d[di + 2] = s[si + 2]
                    }
                }
            }
        }
        return (out, outW, outH)
    }

    /// Places a packed width×height image on a black side×side canvas: centred (pad) when it is
    /// smaller, centre-cut (crop) when larger. Offsets follow ffmpeg's filters on RGB: pad puts the
    /// image at trunc((side - w)/2); crop starts at lrint((w - side)/2) (half to even).
    static func square(_ src: [UInt8], width: Int, height: Int, side: Int) -> [UInt8] {
        if width == side && height == side { return src }
        var out = [UInt8](repeating: 0, count: side * side * 3)
        let dx = offset(side: side, size: width), dy = offset(side: side, size: height)
        src.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { d in
                for r in 0..<side {
                    let sr = r - dy
                    guard sr >= 0, sr < height else { continue }
                    let c0 = max(0, dx), c1 = min(side, dx + width)
                    guard c0 < c1 else { continue }
                    let sc0 = c0 - dx
                    let n = (c1 - c0) * 3
                    let si = (sr * width + sc0) * 3, di = (r * side + c0) * 3
                    guard let dBase = d.baseAddress, let sBase = s.baseAddress else { return }
                    (dBase + di).update(from: sBase + si, count: n)
                }
            }
        }
        return out
    }

    /// Where the image starts on the canvas along one axis: ≥0 pads, <0 crops.
    static func offset(side: Int, size: Int) -> Int {
        if size <= side { return (side - size) / 2 }
        return -Int((Double(size - side) / 2).rounded(.toNearestOrEven))
    }

    /// The size ffmpeg's `scale=S:S:force_original_aspect_ratio=decrease|increase` gives for a
    /// width×height input: w = av_rescale(S, W, H), h = av_rescale(S, H, W) (round half away),
    /// then min (pad) or max (crop) with S; at least 1.
    static func fittedSize(width: Int, height: Int, side: Int, fit: FrameFit) -> (Int, Int) {
        func rescale(_ a: Int, _ b: Int, _ c: Int) -> Int { (2 * a * b + c) / (2 * c) }
        let tw = rescale(side, width, height), th = rescale(side, height, width)
        switch fit {
        case .pad: return (max(1, min(tw, side)), max(1, min(th, side)))
        case .crop: return (max(1, max(tw, side)), max(1, max(th, side)))
        }
    }
}
