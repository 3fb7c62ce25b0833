import MediaIO

/// Audio and video of one sample, read back from its `.npy` files, ready to encode.
struct SampleTensors {
    /// Mono samples.
    var audio: [Float]
    /// Frames as packed RGB24 (H×W×3), one array per frame.
    var frames: [[UInt8]]
    /// Frame side length.
    var size: Int

    /// Reads `audio` ([1, N] or [N] float32) and `video` ([F, 3, S, S] uint8, or float32 in [-1, 1]).
    init(audioNpy: [UInt8]?, videoNpy: [UInt8], name: String) throws {
        let video = try NpyCoding.decode(videoNpy)
        guard video.shape.count == 4, video.shape[1] == 3, video.shape[2] == video.shape[3], video.shape[2] > 0 else {
            throw SampleError("\(name): video must be [F, 3, S, S], found \(video.shape)")
        }
        let (f, s) = (video.shape[0], video.shape[2])
        let plane = s * s
        var planar: [UInt8]
        switch video.dtype {
        case .uint8: planar = video.data
        case .float32:
            planar = try video.floats().map { UInt8(max(0, min(255, (($0 + 1) * 127.5).rounded()))) }
        default: throw SampleError("\(name): video dtype \(video.dtype.rawValue) is neither uint8 nor float32")
        }
        frames = (0..<f).map { k in
            var rgb = [UInt8](repeating: 0, count: 3 * plane)
            let base = k * 3 * plane
            for p in 0..<plane {
                rgb[3 * p] = planar[base + p]
                rgb[3 * p + 1] = planar[base + plane + p]
                rgb[3 * p + 2] = planar[base + 2 * plane + p]
            }
            return rgb
        }
        size = s
        if let audioNpy {
            let a = try NpyCoding.decode(audioNpy)
            guard a.dtype == .float32, a.shape.count == 1 || (a.shape.count == 2 && a.shape[0] == 1) else {
                throw SampleError("\(name): audio must be float32 [1, N] or [N], found \(a.dtype.rawValue) \(a.shape)")
            }
            audio = try a.floats()
            // The AAC encoder refuses NaN and infinities with a bare "Invalid argument": say which.
            if let bad = audio.firstIndex(where: { !$0.isFinite }) {
                throw SampleError("\(name): audio sample \(bad) is \(audio[bad]); the encoder needs finite values")
            }
        } else {
            audio = []
        }
    }
}

/// A problem with a sample's contents, naming the sample.
struct SampleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
