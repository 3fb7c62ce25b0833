#if canImport(Glibc)
import Glibc
#endif

/// A readable stream of bytes from a file descriptor (a file, or stdin), read in full chunks.
public final class ByteSource {
    /// The name shown in errors ("stdin" or a path).
    public let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false

    /// Reads from a descriptor the caller owns (0 for stdin).
    public init(fileDescriptor: Int32, name: String) {
        self.fd = fileDescriptor
        self.name = name
        self.ownsDescriptor = false
    }

    /// Opens `path` for reading; `-` means stdin.
    public init(path: String) throws {
        if path == "-" {
            self.fd = 0
            self.name = "stdin"
            self.ownsDescriptor = false
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError.system(path: path, operation: "open", errno: errno) }
        self.fd = fd
        self.name = path
        self.ownsDescriptor = true
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// Returns exactly `count` bytes, fewer only at the end of the stream (empty at a clean end).
    public func read(upTo count: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(min(count, 1 << 24))
        while out.count < count {
            if position == buffer.count {
                if atEnd { break }
                try refill(min(max(count - out.count, 1 << 16), 1 << 22))
                if position == buffer.count { break }
            }
            let take = min(count - out.count, buffer.count - position)
            out.append(contentsOf: buffer[position..<(position + take)])
            position += take
        }
        return out
    }

    /// Looks at the next `count` bytes without consuming them (fewer at the end of the stream).
    public func peek(_ count: Int) throws -> [UInt8] {
        while buffer.count - position < count && !atEnd {
            if position > 0 {
                buffer.removeSubrange(0..<position)
                position = 0
            }
            try refill(count - buffer.count)
        }
        return Array(buffer[position..<min(buffer.count, position + count)])
    }

    private func refill(_ want: Int) throws {
        if position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        }
        let chunk = max(want, 1 << 16)
        let old = buffer.count
        buffer.reserveCapacity(old + chunk)
        var got = 0
        buffer += [UInt8](repeating: 0, count: chunk)  // a memset; appending repeatElement is per byte in debug builds
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress.map { $0 + old }, chunk)
            }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                buffer.removeSubrange(old...)
                throw OutputError.system(path: name, operation: "read", errno: e)
            }
            got = n
            break
        }
        buffer.removeSubrange((old + got)...)
        if got == 0 { atEnd = true }
    }
}
