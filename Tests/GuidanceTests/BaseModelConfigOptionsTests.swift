import Foundation
import Tensor
import XCTest
@testable import Guidance

/// The video model's temporal context (`BaseModelConfig.temporalContext`): stored in the
/// weights' metadata, off in files written before it, on in the default video model only.
final class BaseModelConfigOptionsTests: XCTestCase {
    func testContextIsStoredAndOlderConfigurationsDecodeWithoutIt() throws {
        let config = BaseModelConfig(modality: .video, sampleShape: [16, 3, 8, 8], fold: 2, channels: [8, 8, 16],
                                     groups: 4, timeDim: 16, textDim: 8, temporalContext: true)
        let model = try BaseUNet(config, seed: 5)
        let names = Set(model.namedParameters().map(\.0))
        for block in ["enc.0", "enc.1", "mid", "dec.1", "dec.0"] {
            XCTAssertTrue(names.contains("\(block).context.weight"), block)
        }
        var plain = config
        plain.temporalContext = false
        XCTAssertFalse(try BaseUNet(plain, seed: 5).namedParameters().contains { $0.0.contains("context") })
        XCTAssertEqual(try BaseModelConfig.parse(json: config.json()), config)
        let old = config.json().replacingOccurrences(of: ",\"temporalContext\":true", with: "")
        XCTAssertFalse(old.contains("temporalContext"))
        XCTAssertEqual(try BaseModelConfig.parse(json: old), plain)
        XCTAssertTrue(BaseModelConfig.defaultVideo.temporalContext)
        XCTAssertFalse(BaseModelConfig.defaultAudio.temporalContext)
        var audio = TinyBase.audio
        audio.temporalContext = true
        XCTAssertThrowsError(try audio.validate(), "the context is for video")
    }

    /// The context convs are among the optimised parameters.
    func testContextConvIsTrained() throws {
        let config = BaseModelConfig(modality: .video, sampleShape: [4, 3, 8, 8], fold: 2, channels: [8, 8, 16],
                                     groups: 4, timeDim: 16, textDim: 8, temporalContext: true)
        let trainer = try BaseModelTrainer(config: config, seed: 5, lr: 1e-2, batchSize: 2)
        let before = trainer.model.namedParameters().first { $0.0 == "enc.0.context.weight" }?.1.scalars
        for _ in 0..<3 { _ = try trainer.trainStep(on: TinyBase.Data(config: config)) }
        let after = trainer.model.namedParameters().first { $0.0 == "enc.0.context.weight" }?.1.scalars
        XCTAssertNotNil(before)
        XCTAssertNotEqual(before, after, "the context conv learns")
    }

    /// With `motionStd` the temporal mean and the deviation from it get their own coefficients:
    /// a fresh network (F = 0) returns `c_skip(dataStd) · mean + c_skip(motionStd) · deviation`.
    func testMotionPreconditioningSplitsTheTemporalMean() throws {
        let config = BaseModelConfig(modality: .video, sampleShape: [4, 3, 8, 8], fold: 2, channels: [8, 8, 16],
                                     groups: 4, timeDim: 16, textDim: 8, dataStd: 0.5, motionStd: 0.1)
        let still = try Preconditioning(steps: 1000, dataStd: 0.5), motion = try Preconditioning(steps: 1000, dataStd: 0.1)
        let model = try BaseUNet(config, seed: 3)
        let frame = 3 * 8 * 8
        let image = (0..<frame).map { Float(sin(Double($0))) }
        let wobble: [Float] = [0.3, -0.1, -0.4, 0.2] // sums to zero: the temporal mean is `image`
        let x = (0..<4).flatMap { f in image.map { $0 + wobble[f] } }
        for t in [10, 500, 990] {
            let out = withoutGrad {
                model(Tensor(shape: [1, 4, 3, 8, 8], data: x), steps: [t], text: Tensor.zeros([1, 8]))
            }.scalars
            for (f, i) in [(0, 0), (1, 77), (3, 191)] {
                XCTAssertEqual(out[f * frame + i], still.cSkip[t] * image[i] + motion.cSkip[t] * wobble[f], accuracy: 1e-5, "t \(t)")
            }
        }
        // The x0 estimate of the skip term alone, (x_t - sigma · c_skip · x_t) / alpha: motion is shrunk far more.
        let schedule = try NoiseSchedule.linear(steps: 1000)
        let (a, s) = (Float(schedule.alpha(500)), Float(schedule.sigma(500)))
        XCTAssertLessThan((1 - s * motion.cSkip[500]) / a, (1 - s * still.cSkip[500]) / a / 5)
        // Stored, absent from older files, video only, and it trains.
        XCTAssertEqual(try BaseModelConfig.parse(json: config.json()), config)
        var plain = config
        plain.motionStd = 0
        XCTAssertEqual(try BaseModelConfig.parse(json: config.json().replacingOccurrences(of: ",\"motionStd\":0.1", with: "")), plain)
        XCTAssertEqual(BaseModelConfig.defaultVideo.motionStd, 0.085)
        var audio = TinyBase.audio
        audio.dataStd = 0.5
        audio.motionStd = 0.1
        XCTAssertThrowsError(try audio.validate(), "motion is for video")
        var unconditioned = config
        unconditioned.dataStd = 0
        XCTAssertThrowsError(try unconditioned.validate(), "motion needs the data deviation")
        try TinyBase.assertTrains(model)
    }
}
