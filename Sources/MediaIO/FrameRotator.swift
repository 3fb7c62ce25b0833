import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Turns decoded pictures clockwise by 90/180/270° in their own pixel format — plane by plane,
/// the way ffmpeg's `transpose=clock|cclock` and `hflip,vflip` do before scaling — into a reused
/// frame. Formats whose chroma is subsampled differently in x and y (e.g. yuv422p), packed
/// subsampled, paletted or hardware formats are not handled (`supports` is false).
final class FrameRotator {
    private let degrees: Int
    private let input: String
    private var output: Frame?

    /// Makes a rotator for a clockwise angle of 90, 180 or 270.
    init(degrees: Int, input: String) {
        self.degrees = degrees
        self.input = input
    }

    /// Bytes per element of each plane for `format`, or nil when it cannot be turned plane-wise.
    static func planeLayout(_ format: AVPixelFormat) -> (elementBytes: [Int], log2Chroma: Int)? {
        guard let desc = av_pix_fmt_desc_get(format) else { return nil }
        let d = desc.pointee
        let bad = UInt64(AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BITSTREAM | AV_PIX_FMT_FLAG_PAL)
        guard d.flags & bad == 0, d.log2_chroma_w == d.log2_chroma_h else { return nil }
        if d.log2_chroma_w > 0 && d.flags & UInt64(AV_PIX_FMT_FLAG_PLANAR) == 0 { return nil }
        let planes = Int(av_pix_fmt_count_planes(format))
        guard planes > 0 else { return nil }
        var bytes = [Int](repeating: 0, count: planes)
        let comps = [d.comp.0, d.comp.1, d.comp.2, d.comp.3]
        for c in comps.prefix(Int(d.nb_components)) where Int(c.plane) < planes {
            bytes[Int(c.plane)] = max(bytes[Int(c.plane)], Int(c.step))
        }
        guard bytes.allSatisfy({ $0 > 0 }) else { return nil }
        return (bytes, Int(d.log2_chroma_w))
    }

    /// The turned picture (valid until the next call).
    func rotate(_ frame: Frame) throws -> Frame {
        let src = frame.pointer
        let format = AVPixelFormat(rawValue: src.pointee.format)
        guard let layout = FrameRotator.planeLayout(format) else {
            throw MediaError(input: input, reason: "cannot rotate this pixel format", kind: .unsupported)
        }
        let w = Int(src.pointee.width), h = Int(src.pointee.height)
        let (ow, oh) = degrees == 180 ? (w, h) : (h, w)
        let out = try target(width: ow, height: oh, format: format)
        try check(av_frame_copy_props(out.pointer, src), input: input, step: "rotating a picture")
        frame.withPlanes { srcData, srcLines in
            out.withPlanes { dstData, dstLines in
                for p in 0..<layout.elementBytes.count {
                    guard let s = srcData[p], let d = dstData[p] else { continue }
                    let shift = (p == 1 || p == 2) ? layout.log2Chroma : 0
                    let pw = (w + (1 << shift) - 1) >> shift, ph = (h + (1 << shift) - 1) >> shift
                    turn(s, Int(srcLines[p]), d, Int(dstLines[p]), pw, ph, layout.elementBytes[p])
                }
            }
        }
        return out
    }

    /// Turns one plane of pw×ph elements of `size` bytes.
    private func turn(_ s: UnsafeMutablePointer<UInt8>, _ sStride: Int, _ d: UnsafeMutablePointer<UInt8>,
                      _ dStride: Int, _ pw: Int, _ ph: Int, _ size: Int) {
        let outW = degrees == 180 ? pw : ph, outH = degrees == 180 ? ph : pw
        for r in 0..<outH {
            let row = d + r * dStride
            for c in 0..<outW {
                let (sr, sc): (Int, Int)
                switch degrees {
                case 90: (sr, sc) = (ph - 1 - c, r)
                case 180: (sr, sc) = (ph - 1 - r, pw - 1 - c)
                default: (sr, sc) = (c, pw - 1 - r)
                }
                (row + c * size).update(from: s + sr * sStride + sc * size, count: size)
            }
        }
    }

    /// The reusable output picture, reallocated when its shape changes.
    private func target(width: Int, height: Int, format: AVPixelFormat) throws -> Frame {
        if let output, output.pointer.pointee.width == Int32(width),
           output.pointer.pointee.height == Int32(height), output.pointer.pointee.format == format.rawValue,
           av_frame_is_writable(output.pointer) != 0 {
            return output
        }
        let made = try Frame(input: input)
        made.pointer.pointee.width = Int32(width)
        made.pointer.pointee.height = Int32(height)
        made.pointer.pointee.format = format.rawValue
        try check(av_frame_get_buffer(made.pointer, 32), input: input, step: "allocating a rotated picture")
        output = made
        return made
    }
}
