import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Encodes an RGB24 picture as PNG with libavcodec's PNG encoder.
public enum PNGWriter {
    /// The PNG bytes of a packed RGB24 image (`width × height × 3`).
    public static func encode(rgb: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        guard width > 0, height > 0, width <= 16384, height <= 16384, rgb.count == width * height * 3 else {
            throw EncodeError.invalidArgument("PNG of \(width)x\(height) needs \(width * height * 3) bytes, got \(rgb.count)")
        }
        let context = try EncodeCodecContext(encoderNamed: "png")
        context.pointer.pointee.width = Int32(width)
        context.pointer.pointee.height = Int32(height)
        context.pointer.pointee.pix_fmt = AV_PIX_FMT_RGB24
        context.pointer.pointee.time_base = AVRational(num: 1, den: 1)
        try context.open()
        let frame = try EncodeFrame()
        frame.pointer.pointee.width = Int32(width)
        frame.pointer.pointee.height = Int32(height)
        frame.pointer.pointee.format = AV_PIX_FMT_RGB24.rawValue
        try encodeCheck(av_frame_get_buffer(frame.pointer, 0), "allocating the PNG frame")
        guard let plane = frame.pointer.pointee.data.0 else { throw EncodeError.invalidArgument("PNG frame has no plane") }
        let stride = Int(frame.pointer.pointee.linesize.0)
        rgb.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            for y in 0..<height {
                (plane + y * stride).update(from: base + y * width * 3, count: width * 3)
            }
        }
        var out: [UInt8] = []
        let collect: (UnsafeMutablePointer<AVPacket>) throws -> Void = { packet in
            guard let data = packet.pointee.data else { return }
            out += UnsafeBufferPointer(start: data, count: Int(packet.pointee.size))
        }
        try context.encode(frame.pointer, deliver: collect)
        try context.encode(nil, deliver: collect)
        return out
    }
}
