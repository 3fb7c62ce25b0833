import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// An opened decoder (`AVCodecContext`) for one stream, freed with `avcodec_free_context`.
final class Decoder {
    /// The codec context.
    let context: UnsafeMutablePointer<AVCodecContext>
    /// The demuxer stream index it decodes.
    let streamIndex: Int32
    /// The stream time base (timestamps of packets and frames).
    let timeBase: AVRational
    private let input: String
    private let what: String

    /// Opens a decoder for `stream` with `threads` threads; `maxPixels` makes the decoder itself
    /// refuse larger pictures before allocating them.
    init(stream: UnsafeMutablePointer<AVStream>, threads: Int, maxPixels: Int, input: String) throws {
        guard let par = stream.pointee.codecpar else {
            throw MediaError(input: input, reason: "stream has no codec parameters", kind: .unsupported)
        }
        let kind = par.pointee.codec_type == AVMEDIA_TYPE_AUDIO ? "audio" : "video"
        let codecName = String(cString: avcodec_get_name(par.pointee.codec_id))
        guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
            throw MediaError(input: input, reason: "no \(kind) decoder for codec \(codecName)",
                             kind: .unsupported)
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(input: input, reason: "out of memory", step: "allocating \(kind) decoder",
                             kind: .ffmpeg(swift_AVERROR(ENOMEM)))
        }
        context = ctx
        streamIndex = stream.pointee.index
        timeBase = stream.pointee.time_base
        self.input = input
        self.what = "decoding \(kind) (\(codecName))"
        try check(avcodec_parameters_to_context(ctx, par), input: input, step: "configuring \(kind) decoder")
        ctx.pointee.pkt_timebase = stream.pointee.time_base
        ctx.pointee.max_pixels = Int64(maxPixels)
        if par.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
            ctx.pointee.thread_count = Int32(max(0, threads))
            ctx.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
        } else {
            ctx.pointee.thread_count = 1
        }
        try check(avcodec_open2(ctx, codec, nil), input: input, step: "opening \(kind) decoder \(codecName)")
    }

    /// Sends a packet (nil = drain); returns the raw code (0, EAGAIN, EOF or an error).
    func send(_ packet: Packet?) -> Int32 {
        avcodec_send_packet(context, packet?.pointer)
    }

    /// Receives one frame; returns the raw code (0, EAGAIN, EOF or an error).
    func receive(_ frame: Frame) -> Int32 {
        avcodec_receive_frame(context, frame.pointer)
    }

    /// An error for `code` while decoding this stream.
    func error(_ code: Int32) -> MediaError {
        MediaError.ffmpeg(code, input: input, step: what)
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }
}
