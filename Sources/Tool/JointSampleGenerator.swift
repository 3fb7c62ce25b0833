import Foundation
import Guidance
import MediaIO

/// Joint audio-video generation: the two base models, each with its own classifier-free
/// guidance scale, coupled by the discriminator's residual (MMDisCo) or not at all.
///
/// Sample `index` starts from the noise of a generator seeded by (seed, index), audio first,
/// exactly as `sample` draws it, so a guided run, its `--no-joint` baseline and `sample`
/// (with the deterministic samplers) start every sample from the same noise.
struct JointSampleGenerator {
    let predictor: any MultiModalNoisePredictor
    let sampler: any Sampler
    let schedules: [NoiseSchedule]
    let shapes: [[Int]]
    let dataScales: [Float]
    let condition: [Float]?

    /// `discriminator` nil means no joint guidance (independent base models).
    init(audio: BaseUNet, video: BaseUNet, discriminator: AVDiscriminatorNet?, cfg: [Double], jointScales: [Double],
         sampler choice: SamplerChoice, steps: Int, condition: [Float]?) throws {
        let base = IndependentModalities([BaseModelPredictor(audio), BaseModelPredictor(video)])
        schedules = [try NoiseSchedule.linear(steps: audio.config.diffusionSteps),
                     try NoiseSchedule.linear(steps: video.config.diffusionSteps)]
        let unconditional = BaseModelPredictor(audio).unconditional
        if let discriminator {
            guard discriminator.config.audioShape == audio.config.sampleShape,
                  discriminator.config.videoShape == video.config.sampleShape,
                  discriminator.config.audioScale == audio.config.dataScale else {
                throw SampleError("the discriminator was trained for other base models (shapes or audio scale differ)")
            }
            let joint = try JointGuidance(base: base, discriminator: AVDiscriminatorGuide(discriminator),
                                          schedules: schedules, scales: jointScales)
            predictor = PerModalityClassifierFreeGuidance(joint, scales: cfg, unconditional: unconditional)
        } else {
            predictor = PerModalityClassifierFreeGuidance(base, scales: cfg, unconditional: unconditional)
        }
        var chosen = try choice.sampler(steps: steps, thresholded: true)
        if var dpm = chosen as? DPMSolverPlusPlus {
            // Dynamic thresholding assumes data in [-1, 1]: not a waveform the model sees scaled up.
            dpm.thresholdedModalities = Set([audio.config.dataScale == 1 ? 0 : nil, 1].compactMap { $0 })
            chosen = dpm
        }
        sampler = chosen
        shapes = [[1] + audio.config.sampleShape, [1] + video.config.sampleShape]
        dataScales = [audio.config.dataScale, video.config.dataScale]
        self.condition = condition
    }

    /// Sample `index` of a run, each modality divided by its model's data scale.
    func generate(seed: UInt64, index: Int) throws -> (audio: Batch, video: Batch) {
        var rng = SeededRNG.forSample(seed: seed, index: index)
        let out = try sampler.sample(predictor, schedules: schedules, shapes: shapes, condition: condition, rng: &rng)
        return (out[0].scaled(1 / Double(dataScales[0])), out[1].scaled(1 / Double(dataScales[1])))
    }
}
