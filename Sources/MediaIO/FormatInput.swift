import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale
#if canImport(Glibc)
import Glibc
#endif

/// An opened demuxer (`AVFormatContext`) with its stream info, closed with `avformat_close_input`.
final class FormatInput {
    /// The demuxer context.
    let context: UnsafeMutablePointer<AVFormatContext>
    /// The custom reader for descriptor inputs (stdin); nil for paths.
    private let io: InputIO?
    /// Kept alive as long as the context, whose interrupt callback points at it.
    private let deadline: Deadline

    /// Opens `path`, or the descriptor `fd` through a custom non-seekable `AVIOContext` when given,
    /// and reads stream info. `name` is used in errors.
    init(path: String, fd: Int32?, name: String, deadline: Deadline) throws {
        guard var ctx = avformat_alloc_context() else {
            throw MediaError(input: name, reason: "out of memory", step: "allocating demuxer",
                             kind: .ffmpeg(swift_AVERROR(ENOMEM)))
        }
        ctx.pointee.interrupt_callback = deadline.interruptCallback
        var io: InputIO?
        if let fd {
            do {
                io = try InputIO(fd: fd, deadline: deadline, input: name)
            } catch {
                avformat_free_context(ctx)
                throw error
            }
            ctx.pointee.pb = io?.context
        }
        var maybe: UnsafeMutablePointer<AVFormatContext>? = ctx
        let url = fd == nil ? path : ""
        let opened = avformat_open_input(&maybe, url, nil, nil)  // frees the context on failure
        if opened < 0 {
            throw FormatInput.openError(opened, path: path, fd: fd, name: name, deadline: deadline)
        }
        guard let openedCtx = maybe else {
            throw MediaError(input: name, reason: "demuxer not created", step: "opening input",
                             kind: .ffmpeg(opened))
        }
        ctx = openedCtx
        self.context = ctx
        self.io = io
        self.deadline = deadline
        let found = avformat_find_stream_info(ctx, nil)
        if found < 0 {
            if deadline.expired { throw FormatInput.timeout(name, deadline, "reading stream info") }
            throw MediaError.ffmpeg(found, input: name, step: "reading stream info")
        }
    }

    /// Whether the input can seek (files yes, stdin no).
    var seekable: Bool {
        guard io == nil, let pb = context.pointee.pb else { return false }
        return (pb.pointee.seekable & AVIO_SEEKABLE_NORMAL) != 0
    }

    /// The stream at `index`.
    func stream(_ index: Int32) -> UnsafeMutablePointer<AVStream>? {
        guard index >= 0, index < Int32(context.pointee.nb_streams),
              let streams = context.pointee.streams else { return nil }
        return streams[Int(index)]
    }

    /// A timeout error for `step`.
    static func timeout(_ name: String, _ deadline: Deadline, _ step: String) -> MediaError {
        MediaError(input: name, reason: "timed out after \(deadline.seconds ?? 0) s", step: step,
                   kind: .timedOut)
    }

    /// Explains an `avformat_open_input` failure, calling out empty files and timeouts.
    private static func openError(_ code: Int32, path: String, fd: Int32?, name: String,
                                  deadline: Deadline) -> MediaError {
        if deadline.expired { return timeout(name, deadline, "opening input") }
        if fd == nil, let size = fileSize(path), size == 0 {
            return MediaError(input: name, reason: "empty file (0 bytes)", step: "opening input",
                              kind: .ffmpeg(code))
        }
        return MediaError.ffmpeg(code, input: name, step: "opening input")
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
        // `io` is released after this, once the demuxer no longer uses it.
    }
}

/// The size of a regular file, or nil when it cannot be read.
private func fileSize(_ path: String) -> Int64? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return Int64(st.st_size)
}
