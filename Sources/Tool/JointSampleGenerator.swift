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
    let configs: [BaseModelConfig]
    let condition: [Float]?

    /// `discriminator` nil means no joint guidance (independent base models).
    init(audio: BaseUNet, video: BaseUNet, discriminator: AVDiscriminatorNet?, cfg: [Double], jointScales: [Double],
         sampler choice: SamplerChoice, steps: Int, condition: [Float]?) throws {
        let base = IndependentModalities([BaseModelPredictor(audio), BaseModelPredictor(video)])
        schedules = [try NoiseSchedule.linear(steps: audio.config.diffusionSteps),
                     try NoiseSchedule.linear(steps: video.config.diffusionSteps)]
        let unconditional = BaseModelPredictor(audio).unconditional
        if let discriminator {
            guard discriminator.config.fits(audio: audio.config, video: video.config) else {
                throw SampleError("the discriminator was trained for other base models (shapes, steps or audio transform differ)")
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
            dpm.thresholdedModalities = Set([audio.config.isBounded ? 0 : nil, video.config.isBounded ? 1 : nil].compactMap { $0 })
            chosen = dpm
        }
        sampler = chosen
        shapes = [[1] + audio.config.sampleShape, [1] + video.config.sampleShape]
        configs = [audio.config, video.config]
        self.condition = condition
    }

    /// Sample `index` of a run, each modality mapped back from its model's space.
    func generate(seed: UInt64, index: Int) throws -> (audio: Batch, video: Batch) {
        var rng = SeededRNG.forSample(seed: seed, index: index)
        let out = try sampler.sample(predictor, schedules: schedules, shapes: shapes, condition: condition, rng: &rng)
        return (try BaseSampleGenerator.toData(out[0], configs[0]), try BaseSampleGenerator.toData(out[1], configs[1]))
    }
}
