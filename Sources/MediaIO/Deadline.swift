import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale
import Dispatch

/// A wall-clock deadline shared with FFmpeg's interrupt callback and the stdin reader (used on
/// the reader's own thread: FFmpeg calls the interrupt callback from the demuxing thread).
final class Deadline {
    /// Seconds allowed after each `restart()`; nil = never expires.
    let seconds: Double?
    private var end: UInt64 = .max

    /// Makes a deadline that starts counting now.
    init(seconds: Double?) {
        self.seconds = seconds
        restart()
    }

    /// Starts a new budget of `seconds` from now.
    func restart() {
        guard let seconds else { end = .max; return }
        let now = DispatchTime.now().uptimeNanoseconds
        end = now &+ UInt64(max(0, seconds) * 1e9)
    }

    /// Whether the budget is used up.
    var expired: Bool { DispatchTime.now().uptimeNanoseconds >= end }

    /// Nanoseconds left (UInt64.max when unlimited).
    var remainingNanoseconds: UInt64 {
        let now = DispatchTime.now().uptimeNanoseconds
        return now >= end ? 0 : end - now
    }

    /// The `AVIOInterruptCB` that aborts blocking FFmpeg I/O once this deadline passes.
    var interruptCallback: AVIOInterruptCB {
        AVIOInterruptCB(callback: deadlineInterrupt, opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}

/// C callback: non-zero once the `Deadline` passed as `opaque` has expired.
private func deadlineInterrupt(_ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let opaque else { return 0 }
    return Unmanaged<Deadline>.fromOpaque(opaque).takeUnretainedValue().expired ? 1 : 0
}
