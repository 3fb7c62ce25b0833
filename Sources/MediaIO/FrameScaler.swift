import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Converts decoded pictures to packed RGB24/BGR24 at the requested geometry with libswscale
/// (context freed with `sws_freeContext`).
///
/// - `size == nil`: one same-size `sws_getCachedContext(W, H, src, W, H, RGB/BGR, SWS_BICUBIC)` into a
///   32-byte-aligned `av_frame_get_buffer` picture, where W×H is the decoder's coded size when it
///   covers the frame — exactly what OpenCV's FFmpeg backend does, so its output is bit-identical to
///   OpenCV's for the same decode. Rotation (if any) is applied afterwards as a lossless pixel shuffle.
/// - `size == S`: the displayed (rotated) size is fitted like `scale=S:S:force_original_aspect_ratio=
///   decrease|increase:flags=bicubic` (see `ImageOps.fittedSize`); the picture is scaled and
///   converted in one bicubic `sws_scale` (as ffmpeg's negotiated graph does), then centre-padded or
///   centre-cropped to S×S (`ImageOps.square`).
/// - The sample aspect ratio is ignored (as ffmpeg's scale filter does); no deinterlacing.
/// - Rotation: when autorotating, the decoded planes are turned first (`FrameRotator`, like the
///   CLI's transpose/hflip/vflip); for formats it cannot turn, the RGB result is turned instead.
final class FrameScaler {
    private var sws: OpaquePointer?
    private let spec: VideoSpec
    private let rotation: Int
    private let input: String
    private var target: Frame?
    private let rotator: FrameRotator?

    /// Makes a scaler; `rotation` is the clockwise angle to apply (0 when not autorotating).
    init(spec: VideoSpec, rotation: Int, input: String) {
        self.spec = spec
        self.rotation = spec.autorotate ? rotation : 0
        self.input = input
        rotator = self.rotation == 0 ? nil : FrameRotator(degrees: self.rotation, input: input)
    }

    /// Converts `frame`; `coded` is the decoder's coded size (used like OpenCV for native size).
    func convert(_ frame: Frame, coded: (Int, Int)) throws -> (pixels: [UInt8], width: Int, height: Int) {
        if let rotator, FrameRotator.planeLayout(AVPixelFormat(rawValue: frame.pointer.pointee.format)) != nil {
            let turned = try rotator.rotate(frame)
            let size = (Int(turned.pointer.pointee.width), Int(turned.pointer.pointee.height))
            return try convert(turned, coded: size, degrees: 0)
        }
        return try convert(frame, coded: coded, degrees: rotation)
    }

    /// Converts `frame`, turning the RGB result by `degrees`.
    private func convert(_ frame: Frame, coded: (Int, Int), degrees rotation: Int) throws
        -> (pixels: [UInt8], width: Int, height: Int) {
        let w = Int(frame.pointer.pointee.width), h = Int(frame.pointer.pointee.height)
        let swap = rotation == 90 || rotation == 270
        guard let side = spec.size else {
            // OpenCV sizes its context and buffer by the coded size; if that leaves rows unwritten
            // (a scaler path that waits for more input rows), convert at the frame size instead.
            let buffer = coded.0 >= w && coded.1 >= h ? coded : (w, h)
            var raw = try scale(frame, from: buffer, to: buffer, keep: (w, h))
            if raw.isEmpty { raw = try scale(frame, from: (w, h), to: (w, h), keep: (w, h)) }
            let turned = ImageOps.rotate(raw, width: w, height: h, degrees: rotation)
            return (turned.0, turned.1, turned.2)
        }
        let (dw, dh) = swap ? (h, w) : (w, h)
        let (fw, fh) = ImageOps.fittedSize(width: dw, height: dh, side: side, fit: spec.fit)
        let (uw, uh) = swap ? (fh, fw) : (fw, fh)
        let raw = try scale(frame, from: (w, h), to: (uw, uh), keep: (uw, uh))
        if raw.isEmpty {
            throw MediaError(input: input, reason: "scaler produced too few rows", step: "converting video",
                             kind: .unsupported)
        }
        let turned = ImageOps.rotate(raw, width: uw, height: uh, degrees: rotation)
        return (ImageOps.square(turned.0, width: turned.1, height: turned.2, side: side), side, side)
    }

    /// Runs sws_scale with a context made for `from` → `to` sizes over the frame's rows into an
    /// aligned picture and returns its top-left `keep` region, packed (empty if fewer rows came out).
    private func scale(_ frame: Frame, from: (Int, Int), to: (Int, Int), keep size: (Int, Int)) throws -> [UInt8] {
        let src = frame.pointer.pointee
        let dstFormat = spec.pixels == .rgb24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_BGR24
        let srcFormat = AVPixelFormat(rawValue: src.format)
        let (ctxW, ctxH) = from
        let (outW, outH) = to
        guard let ctx = sws_getCachedContext(sws, Int32(ctxW), Int32(ctxH), srcFormat,
                                             Int32(outW), Int32(outH), dstFormat,
                                             Int32(SWS_BICUBIC), nil, nil, nil) else {
            let name = av_get_pix_fmt_name(srcFormat).map { String(cString: $0) } ?? "\(src.format)"
            throw MediaError(input: input, reason: "cannot convert \(name) \(ctxW)x\(ctxH) to \(outW)x\(outH)",
                             step: "setting up the scaler", kind: .unsupported)
        }
        sws = ctx
        let dst = try picture(width: outW, height: outH, format: dstFormat)
        let rows = try frame.withPlanes { srcData, srcLines in
            try dst.withPlanes { dstData, dstLines in
                let srcConst = UnsafeRawPointer(srcData).assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
                let made = sws_scale(ctx, srcConst, srcLines, 0, src.height, dstData, dstLines)
                return try check(made, input: input, step: "converting video")
            }
        }
        if Int(rows) < size.1 { return [] }
        guard let base = dst.pointer.pointee.data.0 else {
            throw MediaError(input: input, reason: "scaler produced no rows", step: "converting video",
                             kind: .unsupported)
        }
        let stride = Int(dst.pointer.pointee.linesize.0)
        let rowBytes = size.0 * 3
        return [UInt8](unsafeUninitializedCapacity: rowBytes * size.1) { out, count in
            guard let outBase = out.baseAddress else { count = 0; return }
            for r in 0..<size.1 {
                (outBase + r * rowBytes).initialize(from: base + r * stride, count: rowBytes)
            }
            count = rowBytes * size.1
        }
    }

    /// The reusable destination picture, reallocated (align 32, like OpenCV) when its shape changes.
    private func picture(width: Int, height: Int, format: AVPixelFormat) throws -> Frame {
        if let target, Int(target.pointer.pointee.width) == width,
           Int(target.pointer.pointee.height) == height, target.pointer.pointee.format == format.rawValue {
            return target
        }
        let made = try Frame(input: input)
        made.pointer.pointee.width = Int32(width)
        made.pointer.pointee.height = Int32(height)
        made.pointer.pointee.format = format.rawValue
        try check(av_frame_get_buffer(made.pointer, 32), input: input, step: "allocating a picture")
        target = made
        return made
    }

    deinit {
        sws_freeContext(sws)
    }
}
