#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// What kind of thing a file descriptor writes to, as far as MP4 muxing cares.
struct EncodeOutputKind {
    /// True when the descriptor is a regular file that can seek (normal MP4 possible).
    let seekableRegularFile: Bool
    /// The descriptor's current offset when it is seekable, else nil.
    let offset: Int64?

    /// Inspects `fd` with `fstat`, `fcntl` and `lseek`; a file opened for appending counts as
    /// not seekable, since every write lands at its end whatever the offset.
    init(fileDescriptor fd: Int32) {
        var info = stat()
        let regular = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        let flags = fcntl(fd, F_GETFL)
        let appending = flags >= 0 && (flags & O_APPEND) != 0
        let position = lseek(fd, 0, SEEK_CUR)
        seekableRegularFile = regular && !appending && position >= 0
        offset = position >= 0 ? Int64(position) : nil
    }

    /// Inspects the file at `path`; a path that does not exist yet will be a regular file.
    init(path: String) {
        var info = stat()
        if stat(path, &info) != 0 {
            seekableRegularFile = true
        } else {
            seekableRegularFile = (info.st_mode & S_IFMT) == S_IFREG
        }
        offset = nil
    }
}

/// The state the AVIO callbacks reach through their opaque pointer.
private final class EncodeFDState {
    let fd: Int32
    /// The descriptor's offset when output began: FFmpeg's position 0.
    let base: Int64
    var sawBrokenPipe = false

    init(fd: Int32, base: Int64) {
        self.fd = fd
        self.base = base
    }
}

/// Writes all of `buffer` to the descriptor, retrying short writes and EINTR.
private func encodeWriteCallback(_ opaque: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UInt8>?,
                                 _ size: Int32) -> Int32 {
    guard let opaque else { return swift_AVERROR(EINVAL) }
    let state = Unmanaged<EncodeFDState>.fromOpaque(opaque).takeUnretainedValue()
    guard let buffer, size > 0 else { return 0 }
    var written = 0
    while written < Int(size) {
        let n = write(state.fd, buffer + written, Int(size) - written)
        if n < 0 {
            let code = errno
            if code == EINTR { continue }
            if code == EPIPE { state.sawBrokenPipe = true }
            return swift_AVERROR(code)
        }
        written += n
    }
    return size
}

/// Seeks the descriptor, or reports its size for `AVSEEK_SIZE`.
private func encodeSeekCallback(_ opaque: UnsafeMutableRawPointer?, _ offset: Int64,
                                _ whence: Int32) -> Int64 {
    guard let opaque else { return Int64(swift_AVERROR(EINVAL)) }
    let state = Unmanaged<EncodeFDState>.fromOpaque(opaque).takeUnretainedValue()
    if whence & AVSEEK_SIZE != 0 {
        var info = stat()
        return fstat(state.fd, &info) == 0 ? Int64(info.st_size) - state.base : Int64(swift_AVERROR(errno))
    }
    let mode = whence & ~AVSEEK_FORCE
    let target = mode == SEEK_SET ? offset + state.base : offset
    let result = lseek(state.fd, off_t(target), mode)
    return result < 0 ? Int64(swift_AVERROR(errno)) : Int64(result) - state.base
}

/// An owned custom `AVIOContext` that writes (and, if seekable, seeks) a caller's file descriptor.
final class EncodeFDOutput {
    /// The I/O context to hand to an `AVFormatContext`; valid for the lifetime of this object.
    let context: UnsafeMutablePointer<AVIOContext>
    private let state: EncodeFDState

    /// True once a write has failed with EPIPE.
    var sawBrokenPipe: Bool { state.sawBrokenPipe }

    /// Wraps `fd` (not closed here); `seekable` enables the seek callback, with positions
    /// counted from the descriptor's offset now.
    init(fileDescriptor fd: Int32, seekable: Bool, bufferSize: Int = 1 << 16) throws {
        let base = seekable ? lseek(fd, 0, SEEK_CUR) : 0
        state = EncodeFDState(fd: fd, base: Int64(max(0, base)))
        guard let buffer = av_malloc(bufferSize) else {
            throw EncodeError.from(swift_AVERROR(ENOMEM), "allocating the output buffer")
        }
        let opaque = Unmanaged.passUnretained(state).toOpaque()
        guard let io = avio_alloc_context(buffer.assumingMemoryBound(to: UInt8.self), Int32(bufferSize),
                                          1, opaque, nil, encodeWriteCallback,
                                          seekable ? encodeSeekCallback : nil)
        else {
            av_free(buffer)
            throw EncodeError.from(swift_AVERROR(ENOMEM), "allocating the output I/O context")
        }
        context = io
    }

    deinit {
        // The buffer may have been replaced by FFmpeg, so free the one it holds now.
        av_freep(&context.pointee.buffer)
        var io: UnsafeMutablePointer<AVIOContext>? = context
        avio_context_free(&io)
    }
}

/// Makes writes to a closed pipe fail with EPIPE instead of killing the process.
enum EncodeSignals {
    private static let ignored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    /// Ignores SIGPIPE for the whole process (once; later calls do nothing).
    static func ignoreBrokenPipe() { _ = ignored }
}
