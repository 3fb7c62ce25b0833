import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// The frame rate OpenCV 5's `VideoCapture.get(CAP_PROP_FPS)` reports, which the reference
/// uses: the first video stream's `avg_frame_rate` after `avformat_find_stream_info`
/// (not `av_guess_frame_rate`: an FLV whose average rate reads 1000 gives 1000, and a
/// variable-rate phone clip gives its average, e.g. 27.019 rather than 30.01).
enum OpenCVFrameRate {
    /// `avg_frame_rate` of the first video stream of the file at `path`, or nil when the
    /// file cannot be probed or the rate is unset.
    static func averageRate(path: String) -> Double? {
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        guard avformat_open_input(&ctx, path, nil, nil) >= 0, let fmt = ctx else { return nil }
        defer { avformat_close_input(&ctx) }
        guard avformat_find_stream_info(fmt, nil) >= 0, let streams = fmt.pointee.streams else { return nil }
        for i in 0..<Int(fmt.pointee.nb_streams) {
            guard let st = streams[i], let par = st.pointee.codecpar,
                  par.pointee.codec_type == AVMEDIA_TYPE_VIDEO else { continue }
            let r = st.pointee.avg_frame_rate
            guard r.num != 0 && r.den != 0 else { return nil }
            return Double(r.num) / Double(r.den)
        }
        return nil
    }
}
