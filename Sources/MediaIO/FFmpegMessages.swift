import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale
#if canImport(Glibc)
import Glibc
#endif

/// Keeps the last error FFmpeg logged on each thread, so a failure can give FFmpeg's own words
/// ("moov atom not found", "Picture size 30000x30000 is invalid") beside `av_strerror`'s generic
/// code text. Lines are still printed to stderr as far as the `av_log_set_level` level allows.
enum FFmpegMessages {
    /// Routes FFmpeg's log through the capturing callback (once per process).
    static func install() { _ = installed }

    /// Forgets this thread's last message (before starting on a new input).
    static func reset() { store(nil) }

    /// This thread's last error message since `reset()`, and forgets it.
    static func takeLastError() -> String? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        let text = String(cString: pointer.assumingMemoryBound(to: CChar.self))  // our own strdup copy
        store(nil)
        return text
    }

    private static let installed: Void = { av_log_set_callback(captureFFmpegLog) }()

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    /// Replaces this thread's message with a copy of `text` (nil clears it).
    fileprivate static func store(_ text: UnsafePointer<CChar>?) {
        if let old = pthread_getspecific(key) { free(old) }
        pthread_setspecific(key, text.flatMap { strdup($0) }.map { UnsafeRawPointer($0) })
    }
}

/// The `av_log` callback: formats the line once, prints it when the level allows, and keeps
/// error-level lines (without the "[h264 @ 0x…] " prefix) for `FFmpegMessages`.
private func captureFFmpegLog(_ context: UnsafeMutableRawPointer?, _ level: Int32,
                              _ format: UnsafePointer<CChar>?, _ arguments: CVaListPointer?) {
    guard let format, let arguments else { return }
    var line = [CChar](repeating: 0, count: 1024)
    var printPrefix: Int32 = 1
    guard av_log_format_line2(context, level, format, arguments, &line, Int32(line.count), &printPrefix) >= 0 else { return }
    let bytes = line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    if level <= av_log_get_level() { _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) } }
    guard level <= AV_LOG_ERROR else { return }
    var text = bytes[...]
    if text.first == UInt8(ascii: "["), let close = text.firstIndex(of: UInt8(ascii: "]")) {
        text = text[(close + 1)...].drop { $0 == UInt8(ascii: " ") }
    }
    while let last = text.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: " ") || last == UInt8(ascii: ".") {
        text = text.dropLast()
    }
    guard !text.isEmpty else { return }
    (Array(text) + [0]).withUnsafeBufferPointer { buffer in
        buffer.baseAddress.map { $0.withMemoryRebound(to: CChar.self, capacity: buffer.count) { FFmpegMessages.store($0) } }
    }
}
