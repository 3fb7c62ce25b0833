import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// An error from the MP4 encoding layer: FFmpeg's own message plus what was being done.
public enum EncodeError: Error, CustomStringConvertible, Equatable {
    /// The output's reader has gone away (EPIPE); callers usually stop quietly.
    case brokenPipe
    /// An FFmpeg call failed with `code`; `message` is `av_strerror`'s text for it.
    case ffmpeg(code: Int32, message: String, context: String)
    /// A system call failed with `errno`.
    case system(errno: Int32, context: String)
    /// The caller passed something the writer cannot encode.
    case invalidArgument(String)
    /// A needed encoder or muxer is missing from the linked FFmpeg build.
    case unavailable(String)
    /// The writer was used after `finish()` or after an earlier failure.
    case closed

    /// A readable one-line account of the error.
    public var description: String {
        switch self {
        case .brokenPipe:
            return "output closed by its reader (broken pipe)"
        case let .ffmpeg(code, message, context):
            return "\(context): \(message) (FFmpeg error \(code))"
        case let .system(errno, context):
            return "\(context): \(String(cString: strerror(errno))) (errno \(errno))"
        case let .invalidArgument(what):
            return "invalid argument: \(what)"
        case let .unavailable(what):
            return "not available in this FFmpeg build: \(what)"
        case .closed:
            return "MP4 writer already finished or failed"
        }
    }

    /// The error for FFmpeg return code `code` while doing `context`; EPIPE becomes `.brokenPipe`.
    static func from(_ code: Int32, _ context: String) -> EncodeError {
        if code == swift_AVERROR(EPIPE) { return .brokenPipe }
        var buffer = [CChar](repeating: 0, count: 256)
        let message: String
        if av_strerror(code, &buffer, buffer.count) == 0 {
            message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                             as: UTF8.self)
        } else {
            message = "unknown error"
        }
        return .ffmpeg(code: code, message: message, context: context)
    }
}

/// Returns `ret` when it is not negative, otherwise throws the matching `EncodeError`.
@discardableResult
func encodeCheck(_ ret: Int32, _ context: @autoclosure () -> String) throws -> Int32 {
    if ret < 0 { throw EncodeError.from(ret, context()) }
    return ret
}
