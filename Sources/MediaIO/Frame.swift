import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// An owned `AVFrame`, freed with `av_frame_free`.
final class Frame {
    /// The frame.
    let pointer: UnsafeMutablePointer<AVFrame>

    /// Allocates an empty frame.
    init(input: String) throws {
        guard let p = av_frame_alloc() else {
            throw MediaError(input: input, reason: "out of memory", step: "allocating a frame",
                             kind: .ffmpeg(swift_AVERROR(ENOMEM)))
        }
        pointer = p
    }

    /// Drops the picture/sample references so the frame can be reused.
    func unref() { av_frame_unref(pointer) }

    /// Best-effort timestamp, falling back to pts; nil when neither is set.
    var timestamp: Int64? {
        let none = swift_AV_NOPTS_VALUE()
        if pointer.pointee.best_effort_timestamp != none { return pointer.pointee.best_effort_timestamp }
        if pointer.pointee.pts != none { return pointer.pointee.pts }
        return nil
    }

    /// Runs `body` with `data` as a C array of 8 plane pointers and `linesize` as 8 strides.
    func withPlanes<R>(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>,
                                UnsafeMutablePointer<Int32>) throws -> R) rethrows -> R {
        try withUnsafeMutablePointer(to: &pointer.pointee.data) { data in
            try withUnsafeMutablePointer(to: &pointer.pointee.linesize) { lines in
                try data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { d in
                    try lines.withMemoryRebound(to: Int32.self, capacity: 8) { l in try body(d, l) }
                }
            }
        }
    }

    deinit {
        var p: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&p)
    }
}
