import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// How much FFmpeg's own logging prints to stderr (process-wide).
public enum FFmpegLog: Sendable {
    /// Nothing.
    case quiet
    /// Errors only.
    case error
    /// Errors and warnings (FFmpeg's default is `info`).
    case warning
    /// FFmpeg's default.
    case info

    /// Sets the process-wide FFmpeg log level (`av_log_set_level`).
    public static func setLevel(_ level: FFmpegLog) {
        switch level {
        case .quiet: av_log_set_level(AV_LOG_QUIET)
        case .error: av_log_set_level(AV_LOG_ERROR)
        case .warning: av_log_set_level(AV_LOG_WARNING)
        case .info: av_log_set_level(AV_LOG_INFO)
        }
    }
}
