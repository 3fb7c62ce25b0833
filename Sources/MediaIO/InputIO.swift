import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A non-seekable `AVIOContext` reading a file descriptor (stdin for "-"), freed in `deinit`.
final class InputIO {
    /// The context handed to `AVFormatContext.pb`.
    let context: UnsafeMutablePointer<AVIOContext>
    private let source: DescriptorSource

    /// Wraps `fd` (not closed here); reads give up with AVERROR_EXIT when `deadline` expires.
    init(fd: Int32, deadline: Deadline, input: String) throws {
        let size = 1 << 16
        guard let buffer = av_malloc(size) else {
            throw MediaError(input: input, reason: "out of memory", step: "allocating stdin buffer",
                             kind: .ffmpeg(swift_AVERROR(ENOMEM)))
        }
        let source = DescriptorSource(fd: fd, deadline: deadline)
        guard let ctx = avio_alloc_context(
            buffer.assumingMemoryBound(to: UInt8.self), Int32(size), 0,
            Unmanaged.passUnretained(source).toOpaque(), readDescriptor, nil, nil)
        else {
            av_free(buffer)
            throw MediaError(input: input, reason: "out of memory", step: "allocating stdin reader",
                             kind: .ffmpeg(swift_AVERROR(ENOMEM)))
        }
        ctx.pointee.seekable = 0
        self.source = source
        self.context = ctx
    }

    deinit {
        // The buffer may have been replaced by libavformat: free whatever it holds now.
        av_freep(&context.pointee.buffer)
        var ctx: UnsafeMutablePointer<AVIOContext>? = context
        avio_context_free(&ctx)
    }
}

/// The state behind `readDescriptor`: a descriptor and the deadline to honour.
final class DescriptorSource {
    let fd: Int32
    let deadline: Deadline

    init(fd: Int32, deadline: Deadline) {
        self.fd = fd
        self.deadline = deadline
    }

    /// Reads up to `size` bytes, waiting in 100 ms polls so an expired deadline aborts a stalled pipe.
    func read(into buffer: UnsafeMutablePointer<UInt8>, size: Int) -> Int32 {
        while true {
            if deadline.expired { return averrorEXIT }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 100)
            if ready < 0 {
                if errno == EINTR { continue }
                return swift_AVERROR(errno)
            }
            if ready == 0 { continue }
            let n = systemRead(fd, buffer, size)
            if n > 0 { return Int32(n) }
            if n == 0 { return averrorEOF }
            if errno == EINTR || errno == EAGAIN { continue }
            return swift_AVERROR(errno)
        }
    }
}

/// C read callback for `InputIO`.
private func readDescriptor(_ opaque: UnsafeMutableRawPointer?, _ buffer: UnsafeMutablePointer<UInt8>?,
                            _ size: Int32) -> Int32 {
    guard let opaque, let buffer, size > 0 else { return swift_AVERROR(EINVAL) }
    let source = Unmanaged<DescriptorSource>.fromOpaque(opaque).takeUnretainedValue()
    return source.read(into: buffer, size: Int(size))
}

/// read(2), outside any type so the name is not shadowed.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ size: Int) -> Int {
    read(fd, buffer, size)
}
