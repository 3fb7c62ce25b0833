import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// An owned `AVFrame`, freed when this object goes away.
final class EncodeFrame {
    /// The frame; valid for the lifetime of this object.
    let pointer: UnsafeMutablePointer<AVFrame>

    /// Allocates an empty frame.
    init() throws {
        guard let frame = av_frame_alloc() else {
            throw EncodeError.from(swift_AVERROR(ENOMEM), "allocating a frame")
        }
        pointer = frame
    }

    deinit {
        var frame: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&frame)
    }
}

/// An owned `AVPacket`, freed when this object goes away.
final class EncodePacket {
    /// The packet; valid for the lifetime of this object.
    let pointer: UnsafeMutablePointer<AVPacket>

    /// Allocates an empty packet.
    init() throws {
        guard let packet = av_packet_alloc() else {
            throw EncodeError.from(swift_AVERROR(ENOMEM), "allocating a packet")
        }
        pointer = packet
    }

    deinit {
        var packet: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&packet)
    }
}

/// An owned encoder `AVCodecContext`, with the send/receive loop that drains it.
final class EncodeCodecContext {
    /// The codec context; valid for the lifetime of this object.
    let pointer: UnsafeMutablePointer<AVCodecContext>
    /// The encoder this context was made for.
    let codec: UnsafePointer<AVCodec>
    private let packet: EncodePacket

    /// Finds the encoder called `name` and allocates a context for it.
    init(encoderNamed name: String) throws {
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw EncodeError.unavailable("encoder \(name)")
        }
        guard let context = avcodec_alloc_context3(codec) else {
            throw EncodeError.from(swift_AVERROR(ENOMEM), "allocating the \(name) encoder context")
        }
        self.codec = codec
        pointer = context
        packet = try EncodePacket()
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
    }

    /// Opens the encoder with the options set on the context so far.
    func open() throws {
        let name = String(cString: codec.pointee.name)
        try encodeCheck(avcodec_open2(pointer, codec, nil), "opening the \(name) encoder")
    }

    /// Sends `frame` (nil to flush) and hands every packet the encoder then yields to `deliver`.
    func encode(_ frame: UnsafePointer<AVFrame>?,
                deliver: (UnsafeMutablePointer<AVPacket>) throws -> Void) throws {
        let name = String(cString: codec.pointee.name)
        try encodeCheck(avcodec_send_frame(pointer, frame),
                        frame == nil ? "flushing the \(name) encoder" : "sending a frame to \(name)")
        while true {
            let ret = avcodec_receive_packet(pointer, packet.pointer)
            if ret == swift_AVERROR_EAGAIN() || ret == swift_AVERROR_EOF() { return }
            try encodeCheck(ret, "receiving a packet from \(name)")
            defer { av_packet_unref(packet.pointer) }
            try deliver(packet.pointer)
        }
    }
}

/// An owned `SwsContext` that converts one fixed size and pixel format to another.
final class EncodeScaler {
    private let pointer: OpaquePointer

    /// Creates a converter from `source` size and format to `target` size and format.
    init(source: (width: Int, height: Int, format: AVPixelFormat),
         target: (width: Int, height: Int, format: AVPixelFormat), flags: Int32) throws {
        guard let context = sws_getContext(
            Int32(source.width), Int32(source.height), source.format,
            Int32(target.width), Int32(target.height), target.format,
            flags, nil, nil, nil)
        else {
            throw EncodeError.invalidArgument(
                "cannot convert \(source.width)x\(source.height) to \(target.width)x\(target.height)")
        }
        pointer = context
    }

    deinit { sws_freeContext(pointer) }

    /// Converts one packed picture (`source`, `stride` bytes per row) into `frame`'s planes.
    func scale(packed source: UnsafePointer<UInt8>, stride: Int, sourceHeight: Int,
               into frame: UnsafeMutablePointer<AVFrame>) throws {
        let sourcePlanes: [UnsafePointer<UInt8>?] = [source, nil, nil, nil]
        let sourceStrides: [Int32] = [Int32(stride), 0, 0, 0]
        let ret = withUnsafeBytes(of: frame.pointee.data) { dataBytes in
            withUnsafeBytes(of: frame.pointee.linesize) { lineBytes in
                let data = dataBytes.bindMemory(to: UnsafeMutablePointer<UInt8>?.self)
                let lines = lineBytes.bindMemory(to: Int32.self)
                return sws_scale(pointer, sourcePlanes, sourceStrides, 0, Int32(sourceHeight),
                                 data.baseAddress, lines.baseAddress)
            }
        }
        try encodeCheck(ret, "converting a picture with swscale")
    }
}
