import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Versions of the FFmpeg libraries this build links against.
public enum FFmpegVersions {
    /// "libavformat 59.27.100, libavcodec …" for logs and `--version` style output.
    public static var summary: String {
        func v(_ n: UInt32) -> String { "\(n >> 16).\((n >> 8) & 0xff).\(n & 0xff)" }
        return "libavformat \(v(avformat_version())), libavcodec \(v(avcodec_version())), "
            + "libavutil \(v(avutil_version())), libswscale \(v(swscale_version())), "
            + "libswresample \(v(swresample_version()))"
    }
}
