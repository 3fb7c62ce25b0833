import Foundation
import Guidance
import MediaIO

/// Independent generation from an audio and a video base model (no coupling: each runs its own sampler).
struct BaseSampleGenerator {
    let audio: ClassifierFreeGuidance<BaseModelPredictor>
    let video: ClassifierFreeGuidance<BaseModelPredictor>
    let schedules: [NoiseSchedule]
    let shapes: [[Int]]
    let configs: [BaseModelConfig]
    let samplers: [any Sampler]
    let condition: [Float]?

    /// Wraps each model in its own classifier-free guidance (scale 1 = plain conditional).
    /// `samplers` holds the audio and the video sampler (they may differ in thresholding).
    init(audio: BaseUNet, video: BaseUNet, cfgAudio: Double, cfgVideo: Double, samplers: [any Sampler], condition: [Float]?) throws {
        let a = BaseModelPredictor(audio), v = BaseModelPredictor(video)
        self.audio = ClassifierFreeGuidance(a, scale: cfgAudio, unconditional: a.unconditional)
        self.video = ClassifierFreeGuidance(v, scale: cfgVideo, unconditional: v.unconditional)
        schedules = [try NoiseSchedule.linear(steps: audio.config.diffusionSteps),
                     try NoiseSchedule.linear(steps: video.config.diffusionSteps)]
        shapes = [[1] + audio.config.sampleShape, [1] + video.config.sampleShape]
        configs = [audio.config, video.config]
        self.samplers = samplers
        self.condition = condition
    }

    /// Sample `index` of a run: audio then video noise from a generator seeded by (seed, index);
    /// each modality mapped back from its model's space (`BaseModelConfig.fromModel(clip:)`).
    func generate(seed: UInt64, index: Int) throws -> (audio: Batch, video: Batch) {
        var rng = SeededRNG.forSample(seed: seed, index: index)
        let a = try samplers[0].sample(audio, schedule: schedules[0], shape: shapes[0], condition: condition, rng: &rng)
        let v = try samplers[1].sample(video, schedule: schedules[1], shape: shapes[1], condition: condition, rng: &rng)
        return (try Self.toData(a, configs[0]), try Self.toData(v, configs[1]))
    }

    /// Model-space values back to data, sample by sample (`BaseModelConfig.fromModel(clip:)`).
    static func toData(_ x: Batch, _ config: BaseModelConfig) throws -> Batch {
        let n = x.shape.dropFirst().reduce(1, *)
        let values = Swift.stride(from: 0, to: x.values.count, by: max(n, 1)).flatMap {
            config.fromModel(clip: Array(x.values[$0..<min($0 + n, x.values.count)]))
        }
        return try Batch(shape: x.shape, values: values)
    }

    /// The tar entries of one pair: audio clamped to [-1, 1] as float32 `[1, N]`, video as
    /// uint8 `round((x + 1) · 127.5)` `[F, 3, H, W]`, and the JSON sidecar (sorted keys).
    static func entries(audio: Batch, video: Batch, index: Int, metadata: [(String, String)]) throws -> [(name: String, data: [UInt8])] {
        let key = String(format: "%06d_gen", index)
        let samples = audio.values.map { max(-1, min(1, $0)) }
        let frames = video.values.map { UInt8(max(0, min(255, (($0 + 1) * 127.5).rounded()))) }
        let vshape = Array(video.shape.dropFirst())
        let fields = metadata + [
            ("audio_samples", String(samples.count)), ("fps", "10"), ("frames", String(vshape[0])),
            ("key", quoted(key)), ("sample_rate", "16000"), ("size", String(vshape[3])),
        ]
        let json = "{" + fields.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        return [
            (name: "\(key).audio.npy", data: NpyCoding.encode(try NpyArray(float32: samples, shape: [1, samples.count]))),
            (name: "\(key).json", data: Array(json.utf8)),
            (name: "\(key).video.npy", data: NpyCoding.encode(try NpyArray(uint8: frames, shape: vshape))),
        ]
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
