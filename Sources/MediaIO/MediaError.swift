import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// A failure while opening or decoding media; its description names the input and the reason.
public struct MediaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The broad cause, for callers that branch on it.
    public enum Kind: Sendable, Equatable {
        /// An FFmpeg call failed with this AVERROR code.
        case ffmpeg(Int32)
        /// The input has no stream of the kind that was asked for.
        case missingStream
        /// The input exceeds a `DecodeLimits` bound.
        case limitExceeded
        /// The `DecodeLimits.timeout` elapsed.
        case timedOut
        /// The request cannot be honoured (e.g. a second pass over stdin).
        case unsupported
    }

    /// The input as given by the caller ("stdin" for "-").
    public var input: String
    /// Why it failed, in words (for FFmpeg failures the `av_strerror` text).
    public var reason: String
    /// What was being done ("opening input", "decoding video", …); may be empty.
    public var step: String
    /// The broad cause.
    public var kind: Kind

    /// Makes an error for `input`.
    public init(input: String, reason: String, step: String = "", kind: Kind) {
        self.input = input
        self.reason = reason
        self.step = step
        self.kind = kind
    }

    /// "clip.mp4: no video stream" or "x.mp4: Invalid data found when processing input (opening input)".
    public var description: String {
        step.isEmpty ? "\(input): \(reason)" : "\(input): \(reason) (\(step))"
    }

    /// An error for an FFmpeg return code, its text taken from `av_strerror`.
    static func ffmpeg(_ code: Int32, input: String, step: String) -> MediaError {
        MediaError(input: input, reason: avErrorText(code), step: step, kind: .ffmpeg(code))
    }
}

/// The `av_strerror` text for an AVERROR code.
func avErrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    if av_strerror(code, &buffer, buffer.count) < 0 {
        return "FFmpeg error \(code)"
    }
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}

/// Throws a `MediaError` naming `input` and `step` when an FFmpeg call returned a negative code.
@discardableResult
func check(_ code: Int32, input: String, step: String) throws -> Int32 {
    if code < 0 { throw MediaError.ffmpeg(code, input: input, step: step) }
    return code
}

/// AVERROR(EAGAIN): "feed more input / drain output first".
let averrorEAGAIN = swift_AVERROR_EAGAIN()
/// AVERROR_EOF: the end of a stream.
let averrorEOF = swift_AVERROR_EOF()
/// AVERROR_EXIT: an interrupt callback asked FFmpeg to stop.
let averrorEXIT: Int32 = -0x5449_5845  // FFERRTAG('E','X','I','T')
