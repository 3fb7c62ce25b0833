import AVAlign
import Foundation
import MediaIO

/// One thing to score: a media file, or a tensor sample from a tar.
enum AVAlignInput: Sendable {
    case file(String)
    /// A path read from a list on stdin: "-" and empty paths are errors there.
    case listed(String)
    case sample(WebDatasetSample)

    /// The name printed in the output (`file` or `key`).
    var name: String {
        switch self {
        case .file(let path), .listed(let path): return path.isEmpty ? "(empty path)" : path
        case .sample(let s): return s.key
        }
    }
}

/// Scores inputs with one configuration; safe to call from several threads.
struct AVAlignScorer: Sendable {
    let config: AVAlignConfig
    let limits: DecodeLimits
    let audioPath: String?

    /// Scores one input, throwing a clear error when it cannot be read.
    func score(_ input: AVAlignInput) throws -> AVAlignResult {
        switch input {
        case .listed(let path):
            try ClipList.requireFile(path)
            return try score(.file(path))
        case .file(let path):
            if audioPath == nil, path != "-", !(try MediaReader(path: path, limits: limits).info.hasAudio) {
                throw MediaError(input: path, reason: "no audio stream (--audio FILE takes the audio from another file)",
                                 kind: .missingStream)
            }
            let result = try AVAlignRunner.run(path: path, config: config, limits: limits).result
            guard result.frames >= 2 else {
                throw MediaError(input: path, reason: "fewer than 2 video frames (\(result.frames))", kind: .missingStream)
            }
            guard let audioPath else { return result }
            let envelope = try OnsetEnvelope.envelope(samples22050: try decodeAudio22050(audioPath))
            return AVAlign.score(envelope: envelope, trajectory: result.trajectory, fps: result.fps, config: config)
        case .sample(let sample):
            return try scoreSample(sample)
        }
    }

    /// The whole audio track of `path`, mixed to mono and resampled to 22,050 Hz with soxr HQ.
    private func decodeAudio22050(_ path: String) throws -> [Float] {
        let reader = try MediaReader(path: path, limits: limits)
        guard reader.info.hasAudio else { throw MediaError(input: path, reason: "no audio stream", kind: .missingStream) }
        var samples: [Float] = []
        try reader.decode(start: 0, duration: nil,
                          audio: AudioSpec(sampleRate: OnsetEnvelope.sampleRate, channelMode: .mix, engine: .soxr,
                                           padLeadingGap: false),
                          video: nil, onAudio: { samples.append(contentsOf: $0) }, onFrame: { _ in })
        return samples
    }

    /// A prep/synth/generate sample: RGB planar frames and audio at the json's rate.
    private func scoreSample(_ sample: WebDatasetSample) throws -> AVAlignResult {
        guard let videoBytes = sample.files["video.npy"] else { throw SampleError("\(sample.key): no video.npy") }
        let tensors = try SampleTensors(audioNpy: sample.files["audio.npy"], videoNpy: videoBytes, name: sample.key)
        guard tensors.frames.count >= 2 else { throw SampleError("\(sample.key): fewer than 2 frames") }
        guard !tensors.audio.isEmpty else { throw SampleError("\(sample.key): no audio.npy") }
        var fps = 10.0, rate = 16_000
        if let json = sample.files["json"],
           let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] {
            if let f = (object["fps"] as? NSNumber)?.doubleValue, f > 0 { fps = f }
            if let r = (object["sample_rate"] as? NSNumber)?.intValue, r > 0 { rate = r }
        }
        let s = tensors.size
        let gray = tensors.frames.map { rgb -> [UInt8] in
            var bgr = rgb
            for p in 0..<(s * s) { bgr.swapAt(3 * p, 3 * p + 2) }
            return GrayConversion.gray(bgr24: bgr, width: s, height: s)
        }
        let samples = try MonoResample.resample(tensors.audio, from: rate, to: OnsetEnvelope.sampleRate,
                                                engine: .soxr, name: sample.key)
        let envelope = try OnsetEnvelope.envelope(samples22050: samples)
        let trajectory = try AVAlign.videoTrajectory(grayFrames: gray, width: s, height: s)
        return AVAlign.score(envelope: envelope, trajectory: trajectory, fps: fps, config: config)
    }
}
