import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT/SIGTERM; long loops check it between samples so archives end cleanly.
let interruptFlag = Atomic<Int32>(0)

/// Installs SIGINT and SIGTERM handlers that record the signal instead of killing the process.
enum Interrupt {
    /// Starts catching SIGINT and SIGTERM.
    static func install() {
        signal(SIGINT) { sig in interruptFlag.store(sig, ordering: .relaxed) }
        signal(SIGTERM) { sig in interruptFlag.store(sig, ordering: .relaxed) }
    }

    /// The signal received, or nil.
    static var received: Int32? {
        let s = interruptFlag.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }
}
