import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Reads `MediaInfo` and picks the audio and video streams of an opened input.
struct MediaProbe {
    /// The chosen audio stream index, or -1.
    let audioIndex: Int32
    /// The chosen video stream index, or -1.
    let videoIndex: Int32
    /// What the input holds.
    let info: MediaInfo

    /// Probes `input`; `path` is reported in the info.
    init(input: FormatInput, path: String) {
        let ctx = input.context
        let none = swift_AV_NOPTS_VALUE()
        let microseconds = Double(swift_AV_TIME_BASE())
        let start = ctx.pointee.start_time == none ? 0 : Double(ctx.pointee.start_time) / microseconds
        var info = MediaInfo(path: path)
        info.formatName = ctx.pointee.iformat.map { String(cString: $0.pointee.name) } ?? ""
        info.startTime = start
        if ctx.pointee.duration != none, ctx.pointee.duration > 0 {
            info.duration = Double(ctx.pointee.duration) / microseconds
        }
        info.bitRate = ctx.pointee.bit_rate > 0 ? Int(ctx.pointee.bit_rate) : nil
        info.seekable = input.seekable

        func relativeStart(_ st: UnsafeMutablePointer<AVStream>) -> Double? {
            guard st.pointee.start_time != none else { return nil }
            return Double(st.pointee.start_time) * av_q2d(st.pointee.time_base) - start
        }

        var audio = av_find_best_stream(ctx, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        if let st = input.stream(audio), let par = st.pointee.codecpar {
            info.hasAudio = true
            info.audioCodec = String(cString: avcodec_get_name(par.pointee.codec_id))
            info.audioSampleRate = par.pointee.sample_rate > 0 ? Int(par.pointee.sample_rate) : nil
            info.audioChannels = par.pointee.ch_layout.nb_channels > 0 ? Int(par.pointee.ch_layout.nb_channels) : nil
            info.audioStart = relativeStart(st)
        } else {
            audio = -1
        }

        var video = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
        if let st = input.stream(video), let par = st.pointee.codecpar,
           (st.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC) == 0 {
            info.hasVideo = true
            info.videoCodec = String(cString: avcodec_get_name(par.pointee.codec_id))
            let w = Int(par.pointee.width), h = Int(par.pointee.height)
            if w > 0, h > 0 { info.width = w; info.height = h }
            if par.pointee.format >= 0, let name = av_get_pix_fmt_name(AVPixelFormat(rawValue: par.pointee.format)) {
                info.pixelFormat = String(cString: name)
            }
            info.rotation = MediaProbe.rotation(of: st)
            if w > 0, h > 0 {
                let swap = info.rotation == 90 || info.rotation == 270
                info.displayWidth = swap ? h : w
                info.displayHeight = swap ? w : h
            }
            let rate = av_guess_frame_rate(ctx, st, nil)
            if rate.num > 0, rate.den > 0 { info.videoFPS = av_q2d(rate) }
            info.videoStart = relativeStart(st)
            info.videoFrameCount = st.pointee.nb_frames > 0 ? Int(st.pointee.nb_frames) : nil
        } else {
            video = -1
        }
        audioIndex = audio
        videoIndex = video
        self.info = info
    }

    /// The clockwise rotation the ffmpeg 5.1 CLI applies for the stream's display matrix:
    /// theta = -round(av_display_rotation_get), wrapped to [0, 360); only multiples of 90 (±1°) count.
    static func rotation(of stream: UnsafeMutablePointer<AVStream>) -> Int {
        var size = 0
        guard let raw = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size),
              size >= 9 * MemoryLayout<Int32>.size else { return 0 }
        let matrix = UnsafeRawPointer(raw).assumingMemoryBound(to: Int32.self)
        let angle = av_display_rotation_get(matrix)
        guard angle.isFinite else { return 0 }
        var theta = -angle.rounded()
        theta -= 360 * (theta / 360 + 0.9 / 360).rounded(.down)
        for candidate in [0, 90, 180, 270, 360] where abs(theta - Double(candidate)) < 1 {
            return candidate % 360
        }
        return 0
    }
}
