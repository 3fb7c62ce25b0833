import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The documented exit codes (see EXIT STATUS in man/mmdisco-av.1).
enum ExitStatus {
    /// Every input was processed.
    static let success: Int32 = 0
    /// Some inputs were skipped or failed; the good ones were still written.
    static let partial: Int32 = 1
    /// The run could not go on: the output or the list could not be opened or written.
    static let fatal: Int32 = 2
    /// Bad flags or arguments (sysexits EX_USAGE).
    static let usage: Int32 = 64
}

/// Writes one line to stderr, prefixed with the command name.
func log(_ command: String, _ message: String) {
    FileHandle.standardError.write(Data("\(command): \(message)\n".utf8))
}

/// Ends the process now: a closed output pipe is a normal way for a pipeline to stop.
func exitQuietlyOnBrokenPipe() -> Never {
    exit(ExitStatus.success)
}
