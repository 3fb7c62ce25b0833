import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar with rate and ETA on stderr, drawn only when stderr is a terminal,
/// redrawn at most ten times a second.
final class TerminalProgress: @unchecked Sendable {
    private let label: String
    private let total: Int?
    private let unit: String
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var done = 0
    private let lock = NSLock()

    /// A bar for `total` items (nil when unknown); disabled when stderr is not a TTY.
    init(label: String, total: Int?, unit: String = "clips") {
        self.label = label
        self.total = total
        self.unit = unit
        self.enabled = isatty(2) == 1
    }

    /// Records `n` more items done and redraws if due.
    func advance(by n: Int = 1) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        done += n
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        draw(now: now)
    }

    /// Clears the bar so the summary starts on a clean line.
    func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    private func draw(now: Date) {
        let elapsed = max(now.timeIntervalSince(start), 1e-3)
        let rate = Double(done) / elapsed
        var line = "\r\(label) \(done)"
        if let total {
            let width = 24
            let filled = total > 0 ? min(width, done * width / total) : width
            line = "\r\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                + "] \(done)/\(total)"
            if rate > 0, done < total {
                line += String(format: " ETA %.0fs", Double(total - done) / rate)
            }
        }
        line += String(format: " %.1f %@/s", rate, unit)
        FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
    }
}
