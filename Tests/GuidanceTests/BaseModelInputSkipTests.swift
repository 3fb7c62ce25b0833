import Foundation
import Tensor
import XCTest
@testable import Guidance

/// Regression: a video fold with more channels (48) than the first level (8) cannot carry
/// the noise through the U-Net, so at large t (x_t ≈ eps) the prediction stayed poor; the
/// input skip gives the noise a full-resolution path.
final class BaseModelInputSkipTests: XCTestCase {
    /// Eps MSE at t = 990 on fresh noise after `steps` training steps.
    func highNoiseError(inputSkip: Bool, steps: Int) throws -> Float {
        var config = BaseModelConfig(modality: .video, sampleShape: [2, 3, 16, 16], fold: 4, channels: [8, 8, 16],
                                     groups: 4, timeDim: 16, textDim: 8)
        config.inputSkip = inputSkip
        let trainer = try BaseModelTrainer(config: config, seed: 3, lr: 2e-2, batchSize: 4)
        let data = TinyBase.Data(config: config)
        for _ in 0..<steps { _ = try trainer.trainStep(on: data) }
        let schedule = try NoiseSchedule.linear(steps: 1000)
        var rng = Xoshiro256(seed: 8)
        let (x0, text) = data.example(0)
        let eps = x0.map { _ in rng.normal() }
        let (a, s) = (Float(schedule.alpha(990)), Float(schedule.sigma(990)))
        let xt = zip(x0, eps).map { a * $0 + s * $1 }
        let pred = withoutGrad {
            trainer.model(Tensor(shape: [1] + config.sampleShape, data: xt), steps: [990], text: Tensor(shape: [1, 8], data: text))
        }.scalars
        return zip(pred, eps).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(eps.count)
    }

    func testInputSkipLetsTheNoiseThroughAFoldWiderThanTheFirstLevel() throws {
        let with = try highNoiseError(inputSkip: true, steps: 60)
        let without = try highNoiseError(inputSkip: false, steps: 60)
        XCTAssertLessThan(with, 0.25, "with the skip")
        XCTAssertGreaterThan(without, 2 * with, "without the skip: \(without), with: \(with)")
    }
}
