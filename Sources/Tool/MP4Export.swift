import Foundation
import MediaIO
#if canImport(Glibc)
import Glibc
#endif

/// Writes samples as one MP4 (H.264 + AAC): to a file, replaced atomically, or to stdout
/// (fragmented when it is a pipe). Several samples play one after another.
enum MP4Export {
    /// Encodes `samples` (same frame size) at `fps` / `sampleRate` to `path`, or stdout when nil.
    static func write(_ samples: [SampleTensors], fps: Double, sampleRate: Int, options: MP4Options, to path: String?) throws {
        guard let first = samples.first else { return }
        let rate = first.audio.isEmpty ? 0 : sampleRate
        func encode(_ writer: MP4Writer) throws {
            for sample in samples {
                for frame in sample.frames {
                    try frame.withUnsafeBufferPointer { try writer.writeVideoFrame(rgb: $0) }
                }
                if rate > 0 {
                    try sample.audio.withUnsafeBufferPointer { try writer.writeAudio($0) }
                }
            }
            try writer.finish()
        }
        let size = first.size
        guard let path else {
            try encode(MP4Writer(fileDescriptor: 1, width: size, height: size, fps: fps, sampleRate: rate, options: options))
            return
        }
        if AtomicFile.isSpecialFile(path) {
            try encode(MP4Writer(path: path, width: size, height: size, fps: fps, sampleRate: rate, options: options))
            return
        }
        let temporary = "\(path).tmp-\(getpid())"
        defer { unlink(temporary) }
        try encode(MP4Writer(path: temporary, width: size, height: size, fps: fps, sampleRate: rate, options: options))
        guard rename(temporary, path) == 0 else {
            throw OutputError.system(path: path, operation: "rename", errno: errno)
        }
    }
}
