#if canImport(Glibc)
import Glibc
#endif

/// Why writing to an output failed.
public enum OutputError: Error, CustomStringConvertible, Equatable {
    /// The reader went away (EPIPE): callers end quietly.
    case brokenPipe
    /// Any other write, open or rename failure, with the path and the system's reason.
    case system(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .brokenPipe: return "output: broken pipe"
        case let .system(path, operation, code):
            return "\(path): \(operation) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// A destination for bytes: a file descriptor, written fully, with EINTR retried.
public final class ByteSink {
    /// The descriptor written to.
    public let fileDescriptor: Int32
    /// The name shown in errors ("stdout" or a path).
    public let name: String
    private let ownsDescriptor: Bool
    /// Bytes written so far.
    public private(set) var bytesWritten: Int = 0

    /// Wraps a descriptor the caller owns (for example 1 for stdout).
    public init(fileDescriptor: Int32, name: String) {
        self.fileDescriptor = fileDescriptor
        self.name = name
        self.ownsDescriptor = false
    }

    /// Creates or truncates a file for writing.
    public init(creating path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError.system(path: path, operation: "open", errno: errno) }
        self.fileDescriptor = fd
        self.name = path
        self.ownsDescriptor = true
    }

    deinit {
        if ownsDescriptor { close(fileDescriptor) }
    }

    /// Writes every byte of `bytes`, retrying short writes and EINTR.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fileDescriptor, p, left)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EPIPE { throw OutputError.brokenPipe }
                throw OutputError.system(path: name, operation: "write", errno: e)
            }
            p += n
            left -= n
            bytesWritten += n
        }
    }

    /// Writes an array of bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// A file written under a temporary name and renamed into place only on `commit()`,
/// so readers never see a partial file; `abort()` or deinit without commit removes it.
public final class AtomicFile {
    /// The final path.
    public let path: String
    /// The temporary path being written.
    public let temporaryPath: String
    /// The sink that writes the temporary file.
    public let sink: ByteSink
    private var finished = false

    /// Opens `PATH.tmp-PID-N` beside `path` for writing.
    public init(path: String) throws {
        self.path = path
        var suffix = 0
        var candidate: String
        repeat {
            candidate = "\(path).tmp-\(getpid())-\(suffix)"
            suffix += 1
        } while access(candidate, F_OK) == 0
        self.temporaryPath = candidate
        self.sink = try ByteSink(creating: candidate)
    }

    /// Flushes to disk and renames the temporary file onto the final path.
    public func commit() throws {
        guard !finished else { return }
        if fsync(sink.fileDescriptor) != 0, errno != EINVAL {
            throw OutputError.system(path: temporaryPath, operation: "fsync", errno: errno)
        }
        guard rename(temporaryPath, path) == 0 else {
            let e = errno
            abort()
            throw OutputError.system(path: path, operation: "rename", errno: e)
        }
        finished = true
    }

    /// Removes the temporary file; the final path is left untouched.
    public func abort() {
        guard !finished else { return }
        unlink(temporaryPath)
        finished = true
    }

    deinit { abort() }
}
