import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// A mono AAC stream (FFmpeg's native encoder, fltp) fed float samples in chunks of any size.
final class EncodeAudioStream {
    private let codec: EncodeCodecContext
    private let frame: EncodeFrame
    private let muxer: EncodeMuxer
    private let streamIndex: Int32
    private let frameSize: Int
    private let smallLastFrame: Bool
    /// Samples waiting for a full encoder frame; never more than `frameSize`.
    private var pending: [Float]
    private var nextPTS: Int64 = 0

    /// Opens the `aac` encoder for mono audio at `sampleRate` and adds the stream to `muxer`.
    init(muxer: EncodeMuxer, sampleRate: Int, bitRate: Int) throws {
        guard sampleRate > 0 else { throw EncodeError.invalidArgument("sample rate \(sampleRate)") }
        self.muxer = muxer
        codec = try EncodeCodecContext(encoderNamed: "aac")
        let ctx = codec.pointer
        ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        ctx.pointee.sample_rate = Int32(sampleRate)
        av_channel_layout_default(&ctx.pointee.ch_layout, 1)
        // AAC allows at most 6144 bits per channel per 1024-sample frame (96 kbit/s mono at
        // 16 kHz); asking for more only makes the encoder warn and clamp.
        ctx.pointee.bit_rate = Int64(min(bitRate, 6144 * sampleRate / 1024))
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(sampleRate))
        if muxer.wantsGlobalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try codec.open()
        streamIndex = try muxer.addStream(for: codec)

        let size = ctx.pointee.frame_size > 0 ? Int(ctx.pointee.frame_size) : 1024
        frameSize = size
        smallLastFrame = (codec.codec.pointee.capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME) != 0
        pending = []
        pending.reserveCapacity(size)
        frame = try EncodeFrame()
        frame.pointer.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        frame.pointer.pointee.nb_samples = Int32(size)
        frame.pointer.pointee.sample_rate = Int32(sampleRate)
        try encodeCheck(av_channel_layout_copy(&frame.pointer.pointee.ch_layout, &ctx.pointee.ch_layout),
                        "setting the audio frame's channel layout")
        try encodeCheck(av_frame_get_buffer(frame.pointer, 0), "allocating an audio frame")
    }

    /// Buffers `samples` and encodes every full frame they complete.
    func write(_ samples: UnsafeBufferPointer<Float>) throws {
        var rest = samples[...]
        while !rest.isEmpty {
            let take = min(frameSize - pending.count, rest.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if pending.count == frameSize { try encodePending() }
        }
    }

    /// Encodes the last partial frame (silence-padded) and drains the encoder into the muxer.
    func finish() throws {
        if !pending.isEmpty { try encodePending() }
        try send(nil)
    }

    /// Encodes `pending` as one frame. A short final frame is passed as is when the encoder
    /// accepts one (it pads with silence itself and keeps the true length); otherwise zeros pad it.
    private func encodePending() throws {
        let count = pending.count
        if count < frameSize && !smallLastFrame {
            pending.append(contentsOf: repeatElement(0, count: frameSize - count))
        }
        try encodeCheck(av_frame_make_writable(frame.pointer), "making the audio frame writable")
        guard let plane = frame.pointer.pointee.data.0 else {
            throw EncodeError.invalidArgument("audio frame has no buffer")
        }
        let destination = UnsafeMutableRawPointer(plane).bindMemory(to: Float.self, capacity: frameSize)
        pending.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { destination.update(from: base, count: source.count) }
        }
        frame.pointer.pointee.nb_samples = Int32(pending.count)
        frame.pointer.pointee.pts = nextPTS
        nextPTS += Int64(pending.count)
        pending.removeAll(keepingCapacity: true)
        try send(frame.pointer)
    }

    private func send(_ audio: UnsafePointer<AVFrame>?) throws {
        let timeBase = codec.pointer.pointee.time_base
        try codec.encode(audio) { packet in
            try muxer.write(packet, stream: streamIndex, from: timeBase)
        }
    }
}
