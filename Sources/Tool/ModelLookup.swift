import Foundation

/// Finds the directory of the default base models (`audio.safetensors`, `video.safetensors`).
///
/// Order: `--models DIR` when given; else `fixtures/models/` in the executable's directory or
/// any of its ancestors (symlinks resolved; a binary in `.build/release/` finds the
/// package's fixtures); else `fixtures/models/` of the package this binary was built from.
enum ModelLookup {
    /// The file names inside a models directory.
    static let audioFile = "audio.safetensors", videoFile = "video.safetensors"
    /// The default discriminator beside the base models.
    static let discriminatorFile = "discriminator.safetensors"

    /// The models directory to use, or an error listing the places searched.
    static func directory(explicit: String?) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        var searched: [String] = []
        for candidate in candidates() {
            let dir = candidate.appendingPathComponent("fixtures/models")
            searched.append(dir.path)
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(audioFile).path) { return dir }
        }
        throw SampleError("no base models found (looked in \(searched.joined(separator: ", "))); pass --models DIR")
    }

    /// The executable's directory and its ancestors, then the source package root.
    static func candidates() -> [URL] {
        var result: [URL] = []
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        if let exe = Bundle.main.executableURL?.resolvingSymlinksInPath() { dir = exe.deletingLastPathComponent() }
        for _ in 0..<6 {
            result.append(dir)
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { break }
            dir = parent
        }
        result.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
        return result
    }
}
