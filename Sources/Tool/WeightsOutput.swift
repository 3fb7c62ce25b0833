import Foundation
import MediaIO

/// Where a training command's safetensors go: `-o FILE` (written beside it, then renamed)
/// or stdout (written to a temporary file first, because safetensors needs its header size).
enum WeightsOutput {
    /// Calls `save` with a URL to write, then moves the result to `path` or copies it to stdout.
    static func write(to path: String?, _ save: (URL) throws -> Void) throws {
        if let path {
            try BaseTrainingLoop.atomicWrite(to: path, save)
            return
        }
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("mmdisco-weights-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: tmp) }
        try save(tmp)
        try ByteSink(fileDescriptor: 1, name: "stdout").write(Array(try Data(contentsOf: tmp)))
    }
}
