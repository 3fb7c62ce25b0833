import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// An owned MP4 `AVFormatContext` writing to a path or to a caller's file descriptor.
final class EncodeMuxer {
    /// The format context; valid for the lifetime of this object.
    let context: UnsafeMutablePointer<AVFormatContext>
    /// Custom I/O for descriptor output, kept alive until after `context` is freed.
    private let fdOutput: EncodeFDOutput?
    /// True when `context.pb` came from `avio_open` and must be closed here.
    private var ownsFileIO: Bool

    /// Prepares MP4 output to the file at `path` (created or truncated).
    init(path: String) throws {
        context = try EncodeMuxer.allocate(url: path)
        fdOutput = nil
        ownsFileIO = false
        let ret = avio_open(&context.pointee.pb, path, AVIO_FLAG_WRITE)
        if ret < 0 {
            avformat_free_context(context)
            throw EncodeError.from(ret, "opening \(path) for writing")
        }
        ownsFileIO = true
    }

    /// Prepares MP4 output to `fd`; `url` is what FFmpeg may reopen for reading (faststart).
    init(fileDescriptor fd: Int32, seekable: Bool, url: String) throws {
        let output = try EncodeFDOutput(fileDescriptor: fd, seekable: seekable)
        context = try EncodeMuxer.allocate(url: url)
        context.pointee.pb = output.context
        context.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        fdOutput = output
        ownsFileIO = false
    }

    deinit {
        if ownsFileIO { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
    }

    private static func allocate(url: String) throws -> UnsafeMutablePointer<AVFormatContext> {
        var context: UnsafeMutablePointer<AVFormatContext>?
        let ret = avformat_alloc_output_context2(&context, nil, "mp4", url)
        guard ret >= 0, let context else {
            throw ret < 0 ? EncodeError.from(ret, "creating the MP4 muxer")
                          : EncodeError.unavailable("MP4 muxer")
        }
        return context
    }

    /// True when the container wants codec headers in extradata (set the encoder's global-header flag).
    var wantsGlobalHeader: Bool {
        (context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER) != 0
    }

    /// Adds a stream described by the opened encoder `codec`; returns its index.
    func addStream(for codec: EncodeCodecContext) throws -> Int32 {
        guard let stream = avformat_new_stream(context, nil) else {
            throw EncodeError.from(swift_AVERROR(ENOMEM), "adding a stream")
        }
        try encodeCheck(avcodec_parameters_from_context(stream.pointee.codecpar, codec.pointer),
                        "copying encoder parameters to the stream")
        stream.pointee.time_base = codec.pointer.pointee.time_base
        if codec.pointer.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
            stream.pointee.avg_frame_rate = codec.pointer.pointee.framerate
        }
        return stream.pointee.index
    }

    /// Writes the file header with the given `movflags` (e.g. "+faststart"; empty for none).
    func writeHeader(movflags: String) throws {
        var options: OpaquePointer?
        defer { av_dict_free(&options) }
        if !movflags.isEmpty { av_dict_set(&options, "movflags", movflags, 0) }
        try mapped(avformat_write_header(context, &options), "writing the MP4 header")
    }

    /// Rescales `packet` from `timeBase` to stream `index`'s time base and queues it interleaved.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, stream index: Int32, from timeBase: AVRational) throws {
        guard let streams = context.pointee.streams, let stream = streams[Int(index)] else {
            throw EncodeError.invalidArgument("no stream \(index)")
        }
        packet.pointee.stream_index = index
        av_packet_rescale_ts(packet, timeBase, stream.pointee.time_base)
        try mapped(av_interleaved_write_frame(context, packet), "writing a packet")
    }

    /// Flushes queued packets, writes the trailer and, for a path, closes the file.
    func finish() throws {
        try mapped(av_write_trailer(context), "writing the MP4 trailer")
        if let pb = context.pointee.pb, pb.pointee.error < 0 {
            try mapped(pb.pointee.error, "writing the output")
        }
        if ownsFileIO {
            ownsFileIO = false
            try mapped(avio_closep(&context.pointee.pb), "closing the output file")
        }
    }

    /// Like `encodeCheck`, but reports `.brokenPipe` whenever the descriptor saw EPIPE.
    private func mapped(_ ret: Int32, _ context: String) throws {
        if ret >= 0 { return }
        if fdOutput?.sawBrokenPipe == true { throw EncodeError.brokenPipe }
        throw EncodeError.from(ret, context)
    }
}
