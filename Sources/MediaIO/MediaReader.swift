import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Opens one input (a path, or "-" for stdin) and decodes windows of it to mono float audio and
/// RGB/BGR frames.
///
/// Times are seconds after the container start time (`info.startTime`), as with `ffmpeg -ss`.
/// A reader is not thread-safe; use one per thread. Stdin can be decoded only once.
public final class MediaReader {
    /// What the input holds.
    public let info: MediaInfo
    /// The limits every decode honours.
    public let limits: DecodeLimits

    private let input: FormatInput
    private let probe: MediaProbe
    private let name: String
    private let deadline: Deadline
    private var passes = 0
    /// Packets read by the last pass (lets tests see that a window seeks).
    private(set) var packetsRead = 0
    /// Seconds decoded before `start` after seeking, so decoders and the resampler settle.
    private let preroll = 1.0

    /// Opens `path` ("-" = stdin through a custom, non-seekable AVIOContext) and reads stream info.
    public convenience init(path: String, limits: DecodeLimits = .init()) throws {
        try self.init(path: path, fd: path == "-" ? 0 : nil, limits: limits)
    }

    /// Reads an already-open descriptor (e.g. a pipe) as a non-seekable input; `name` is used in errors.
    public convenience init(fileDescriptor fd: Int32, name: String, limits: DecodeLimits = .init()) throws {
        try self.init(path: name, fd: fd, limits: limits)
    }

    private init(path: String, fd: Int32?, limits: DecodeLimits) throws {
        name = path == "-" ? "stdin" : path
        self.limits = limits
        deadline = Deadline(seconds: limits.timeout)
        input = try FormatInput(path: path, fd: fd, name: name, deadline: deadline)
        probe = MediaProbe(input: input, path: path)
        info = probe.info
    }

    /// One pass over both streams from `start` for `duration` (nil = to the end).
    ///
    /// Audio (when `audio` is set) arrives in chunks as mono float32 at `audio.sampleRate`, covering
    /// [start, start+duration) as `AudioWindow` documents; frames (when `video` is set) arrive as
    /// `VideoWindow`/`FrameSelector` document. Nothing is buffered beyond one frame. Errors thrown by
    /// the callbacks stop the pass and propagate unchanged. Seekable inputs seek (backward, to the
    /// keyframe before `start − 1 s`) when `start` > 2 s, and rewind for a repeated pass; stdin
    /// decodes and discards up to `start`, and can be decoded only once.
    public func decode(start: Double, duration: Double?, audio: AudioSpec?, video: VideoSpec?,
                       onAudio: (UnsafeBufferPointer<Float>) throws -> Void,
                       onFrame: (VideoFrame) throws -> Void) throws {
        deadline.restart()
        try validate(start: start, duration: duration, audio: audio, video: video)
        if audio == nil && video == nil { return }
        if passes > 0 && !input.seekable {
            throw MediaError(input: name, reason: "a non-seekable input can be decoded only once",
                             kind: .unsupported)
        }
        let end = duration.map { start + $0 }
        let audioDecoder = try audio.map { _ in try openDecoder(probe.audioIndex, threads: 1) }
        let videoDecoder = try video.map { try openDecoder(probe.videoIndex, threads: $0.threads) }
        selectStreams(audio: audioDecoder?.streamIndex, video: videoDecoder?.streamIndex)
        try position(at: start)
        passes += 1

        let audioWindow = try audio.map { spec in
            AudioWindow(spec: spec, start: start, end: end, timeBase: try timeBase(probe.audioIndex),
                        containerStart: info.startTime, input: name)
        }
        let videoWindow = try video.map { spec in
            VideoWindow(spec: spec, start: start, end: end, timeBase: try timeBase(probe.videoIndex),
                        containerStart: info.startTime, rotation: info.rotation, fallbackFPS: info.videoFPS,
                        limits: limits, input: name)
        }
        // The lanes live only for this call, so the callbacks never really escape.
        try withoutActuallyEscaping(onAudio) { onAudio in
            try withoutActuallyEscaping(onFrame) { onFrame in
                var lanes: [DecodeLane] = []
                if let audioDecoder, let audioWindow {
                    lanes.append(DecodeLane(decoder: audioDecoder, frame: try Frame(input: name),
                                            isDone: { audioWindow.done },
                                            take: { frame in try audioWindow.consume(frame, onAudio) },
                                            finish: { try audioWindow.finish(onAudio) }))
                }
                if let videoDecoder, let videoWindow {
                    lanes.append(DecodeLane(decoder: videoDecoder, frame: try Frame(input: name),
                                            isDone: { videoWindow.done },
                                            take: { frame in try videoWindow.consume(frame, decoder: videoDecoder, onFrame) },
                                            finish: { try videoWindow.finish(decoder: videoDecoder, onFrame) }))
                }
                try run(lanes, start: start)
            }
        }
    }

    /// Rejects impossible requests and oversize inputs before any decoding.
    private func validate(start: Double, duration: Double?, audio: AudioSpec?, video: VideoSpec?) throws {
        func bad(_ reason: String) -> MediaError {
            MediaError(input: name, reason: reason, kind: .unsupported)
        }
        guard start.isFinite, start >= 0 else { throw bad("invalid start \(start)") }
        if let duration, !(duration.isFinite && duration >= 0) { throw bad("invalid duration \(duration)") }
        if let audio {
            guard info.hasAudio else {
                throw MediaError(input: name, reason: "no audio stream", kind: .missingStream)
            }
            guard audio.sampleRate > 0, audio.sampleRate <= 1_000_000 else {
                throw bad("invalid sample rate \(audio.sampleRate)")
            }
        }
        if let video {
            guard info.hasVideo else {
                throw MediaError(input: name, reason: "no video stream", kind: .missingStream)
            }
            if let fps = video.fps, !(fps.isFinite && fps > 0 && fps <= 10_000) { throw bad("invalid fps \(fps)") }
            if let size = video.size, !(size > 0 && size <= min(limits.maxWidth, limits.maxHeight)) {
                throw bad("invalid frame size \(size)")
            }
            if let w = info.width, let h = info.height {
                try limits.checkFrame(width: w, height: h, input: name)
            }
        }
        let span = duration ?? info.duration.map { max(0, $0 - start) } ?? 0
        if span > limits.maxDuration {
            throw MediaError(input: name, reason: "duration \(span) s exceeds the limit of \(limits.maxDuration) s",
                             kind: .limitExceeded)
        }
    }

    /// Opens the decoder of stream `index`.
    private func openDecoder(_ index: Int32, threads: Int) throws -> Decoder {
        guard let stream = input.stream(index) else {
            throw MediaError(input: name, reason: "stream \(index) not found", kind: .missingStream)
        }
        return try Decoder(stream: stream, threads: threads, maxPixels: limits.maxPixels, input: name)
    }

    /// The time base of stream `index`.
    private func timeBase(_ index: Int32) throws -> AVRational {
        guard let stream = input.stream(index) else {
            throw MediaError(input: name, reason: "stream \(index) not found", kind: .missingStream)
        }
        return stream.pointee.time_base
    }

    /// Makes the demuxer drop packets of every stream not being decoded.
    private func selectStreams(audio: Int32?, video: Int32?) {
        for i in 0..<Int32(input.context.pointee.nb_streams) {
            guard let stream = input.stream(i) else { continue }
            stream.pointee.discard = (i == audio || i == video) ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
    }

    /// Seeks to the keyframe before `start − preroll` (or rewinds for a repeated pass); on a
    /// non-seekable input does nothing (the pass decodes and discards).
    private func position(at start: Double) throws {
        guard input.seekable else { return }
        let micro = Double(swift_AV_TIME_BASE())
        let origin = Int64((info.startTime * micro).rounded())
        let wantSeek = start > preroll + 1
        if !wantSeek && passes == 0 { return }
        let target = wantSeek ? origin + Int64(((start - preroll) * micro).rounded()) : origin
        var code = avformat_seek_file(input.context, -1, Int64.min, target, target, 0)
        if code < 0 && wantSeek {
            code = avformat_seek_file(input.context, -1, Int64.min, origin, origin, 0)
        }
        if code < 0 {
            code = av_seek_frame(input.context, -1, origin, AVSEEK_FLAG_BACKWARD)
        }
        if code < 0 {
            if deadline.expired { throw FormatInput.timeout(name, deadline, "seeking") }
            throw MediaError.ffmpeg(code, input: name, step: "seeking to \(start) s")
        }
    }

    /// The demux/decode loop: reads packets until every lane is done or the input ends, then drains.
    private func run(_ lanes: [DecodeLane], start: Double) throws {
        let packet = try Packet(input: name)
        var failure: MediaError?
        packetsRead = 0
        while !lanes.allSatisfy({ $0.isDone() }) {
            if deadline.expired { throw FormatInput.timeout(name, deadline, "decoding") }
            let code = av_read_frame(input.context, packet.pointer)
            if code == averrorEAGAIN { continue }
            if code == averrorEXIT || deadline.expired { throw FormatInput.timeout(name, deadline, "reading") }
            if code < 0 {
                if code != averrorEOF { failure = MediaError.ffmpeg(code, input: name, step: "reading packets") }
                break
            }
            defer { packet.unref() }
            packetsRead += 1
            guard let lane = lanes.first(where: { $0.decoder.streamIndex == packet.pointer.pointee.stream_index }),
                  !lane.isDone() else { continue }
            try checkSpan(packet, start: start)
            if let error = try lane.feed(packet) { failure = failure ?? error }
        }
        for lane in lanes where !lane.isDone() {
            if let error = try lane.feed(nil) { failure = failure ?? error }
            try lane.finish()
        }
        if var failure, lanes.allSatisfy({ $0.producedNothing }) {
            if !input.seekable && info.formatName.contains("mp4") {
                failure.reason += "; an mp4 read from a pipe needs its moov box first (-movflags +faststart)"
            }
            throw failure
        }
    }

    /// Stops a pass whose timestamps run past `limits.maxDuration` after `start`.
    private func checkSpan(_ packet: Packet, start: Double) throws {
        let p = packet.pointer.pointee
        guard p.pts != swift_AV_NOPTS_VALUE(), let stream = input.stream(p.stream_index) else { return }
        let time = Double(p.pts) * av_q2d(stream.pointee.time_base) - info.startTime
        if time - start > limits.maxDuration {
            throw MediaError(input: name, reason: "media runs past the limit of \(limits.maxDuration) s",
                             step: "decoding", kind: .limitExceeded)
        }
    }
}
