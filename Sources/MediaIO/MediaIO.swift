#if canImport(Glibc)
import Glibc
#endif
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

/// Process-wide FFmpeg logging: quiet by default, since each tool reports errors itself.
public enum FFmpegLog {
    /// Sets the level from `MMDISCO_FFMPEG_LOG` (quiet, error, warning, info, verbose, debug), default quiet.
    public static func configureFromEnvironment() {
        let levels: [String: Int32] = ["quiet": AV_LOG_QUIET, "error": AV_LOG_ERROR, "warning": AV_LOG_WARNING,
                                       "info": AV_LOG_INFO, "verbose": AV_LOG_VERBOSE, "debug": AV_LOG_DEBUG]
        let name = getenv("MMDISCO_FFMPEG_LOG").map { String(cString: $0) } ?? "quiet"
        av_log_set_level(levels[name] ?? AV_LOG_QUIET)
    }
}
