import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// An H.264 (libx264, yuv420p) stream fed packed RGB24 pictures, optionally upscaled.
final class EncodeVideoStream {
    private let codec: EncodeCodecContext
    private let scaler: EncodeScaler
    private let frame: EncodeFrame
    private let muxer: EncodeMuxer
    private let streamIndex: Int32
    private let inputWidth: Int
    private let inputHeight: Int
    private var nextPTS: Int64 = 0

    /// Number of pictures accepted so far.
    var frameCount: Int64 { nextPTS }

    /// Opens libx264 for `input` pictures encoded at `output` size and adds the stream to `muxer`.
    init(muxer: EncodeMuxer, input: (width: Int, height: Int), output: (width: Int, height: Int),
         frameRate: AVRational, crf: Int, preset: String, keyframeInterval: Int?) throws {
        guard output.width % 2 == 0, output.height % 2 == 0 else {
            throw EncodeError.invalidArgument(
                "yuv420p needs even dimensions, got \(output.width)x\(output.height)")
        }
        self.muxer = muxer
        inputWidth = input.width
        inputHeight = input.height
        codec = try EncodeCodecContext(encoderNamed: "libx264")
        let ctx = codec.pointer
        ctx.pointee.width = Int32(output.width)
        ctx.pointee.height = Int32(output.height)
        ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        ctx.pointee.framerate = frameRate
        ctx.pointee.time_base = av_inv_q(frameRate)
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        // swscale's RGB->YUV default is BT.601 limited range; say so in the stream.
        ctx.pointee.colorspace = AVCOL_SPC_SMPTE170M
        ctx.pointee.color_primaries = AVCOL_PRI_SMPTE170M
        ctx.pointee.color_trc = AVCOL_TRC_SMPTE170M
        ctx.pointee.color_range = AVCOL_RANGE_MPEG
        if let keyframeInterval { ctx.pointee.gop_size = Int32(keyframeInterval) }
        if muxer.wantsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try encodeCheck(av_opt_set(ctx.pointee.priv_data, "crf", String(crf), 0), "setting x264 crf \(crf)")
        try encodeCheck(av_opt_set(ctx.pointee.priv_data, "preset", preset, 0), "setting x264 preset \(preset)")
        try codec.open()
        streamIndex = try muxer.addStream(for: codec)

        frame = try EncodeFrame()
        frame.pointer.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        frame.pointer.pointee.width = Int32(output.width)
        frame.pointer.pointee.height = Int32(output.height)
        try encodeCheck(av_frame_get_buffer(frame.pointer, 0), "allocating a video frame")
        scaler = try EncodeScaler(
            source: (input.width, input.height, AV_PIX_FMT_RGB24),
            target: (output.width, output.height, AV_PIX_FMT_YUV420P),
            flags: SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP)
    }

    /// Converts and encodes one packed RGB24 picture of the input size.
    func write(rgb: UnsafeBufferPointer<UInt8>) throws {
        let expected = inputWidth * inputHeight * 3
        guard rgb.count == expected, let base = rgb.baseAddress else {
            throw EncodeError.invalidArgument(
                "video frame has \(rgb.count) bytes, expected \(expected) (\(inputWidth)x\(inputHeight) RGB24)")
        }
        // The encoder may still hold a reference to the previous picture's buffers.
        try encodeCheck(av_frame_make_writable(frame.pointer), "making the video frame writable")
        try scaler.scale(packed: base, stride: inputWidth * 3, sourceHeight: inputHeight, into: frame.pointer)
        frame.pointer.pointee.pts = nextPTS
        nextPTS += 1
        try send(frame.pointer)
    }

    /// Drains the encoder's delayed pictures into the muxer.
    func finish() throws { try send(nil) }

    private func send(_ picture: UnsafePointer<AVFrame>?) throws {
        let timeBase = codec.pointer.pointee.time_base
        try codec.encode(picture) { packet in
            try muxer.write(packet, stream: streamIndex, from: timeBase)
        }
    }
}
