import ArgumentParser
import MediaIO

/// Where a command's tar goes: stdout, or `-o FILE` written atomically.
struct TarOutput {
    /// The archive writer.
    let tar: TarWriter
    /// The temporary file to commit or abort, when writing to `-o FILE`.
    let atomic: AtomicFile?

    /// Opens `path` atomically, or stdout when `path` is nil.
    init(path: String?) throws {
        if let path {
            let file = try AtomicFile(path: path)
            atomic = file
            tar = TarWriter(sink: file.sink)
        } else {
            atomic = nil
            tar = TarWriter(sink: ByteSink(fileDescriptor: 1, name: "stdout"))
        }
    }
}

extension TarOutput {
    /// Runs `body` to fill the archive, then ends it and commits `-o`. A closed pipe ends the
    /// process quietly; any other error aborts `-o`, is logged as `command`, and exits 2.
    func write(command: String, _ body: (TarWriter) throws -> Void) throws {
        do {
            try body(tar)
            try tar.finish()
            try atomic?.commit()
        } catch OutputError.brokenPipe {
            atomic?.abort()
            exitQuietlyOnBrokenPipe()
        } catch {
            log(command, "\(error)")
            atomic?.abort()
            throw ExitCode(ExitStatus.fatal)
        }
    }
}
