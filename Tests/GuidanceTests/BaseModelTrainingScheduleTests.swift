import Foundation
import Tensor
import XCTest
@testable import Guidance

/// The parameter average, the learning-rate schedule and μ-law data of base-model training.
final class BaseModelTrainingScheduleTests: XCTestCase {
    func testScheduleWarmsUpThenDecaysToItsFloor() {
        let s = LearningRateSchedule(peak: 1e-3, warmup: 10, totalSteps: 110, floor: 0.05)
        XCTAssertEqual(s.rate(atStep: 1), 1e-4, accuracy: 1e-9)
        XCTAssertEqual(s.rate(atStep: 10), 1e-3, accuracy: 1e-9)
        XCTAssertEqual(s.rate(atStep: 60), 1e-3 * (0.05 + 0.95 * 0.5), accuracy: 1e-8)
        XCTAssertEqual(s.rate(atStep: 110), 5e-5, accuracy: 1e-9)
        XCTAssertEqual(s.rate(atStep: 500), 5e-5, accuracy: 1e-9)
        XCTAssertEqual(LearningRateSchedule(peak: 2e-3).rate(atStep: 7), 2e-3)
    }

    func testAverageFollowsTheWarmUpFormulaAndLagsTheParameters() {
        let p = Tensor(shape: [2], data: [0, 0])
        let average = ExponentialAverage([p], decay: 0.9)
        p.assign(Tensor(shape: [2], data: [1, 2]))
        average.update([p], step: 1)  // d = min(0.9, 2/11)
        let d: Float = 2.0 / 11
        XCTAssertEqual(average.values[0].scalars[0], 1 - d, accuracy: 1e-6)
        XCTAssertEqual(average.values[0].scalars[1], 2 * (1 - d), accuracy: 1e-6)
        for step in 2...200 { average.update([p], step: step) }
        XCTAssertEqual(average.values[0].scalars[1], 2, accuracy: 1e-4)
    }

    func testMuLawRoundTripsAndExpandsQuietValues() throws {
        let config = BaseModelConfig(modality: .audio, sampleShape: [1, 512], fold: 8, channels: [8, 8, 16], groups: 4,
                                     timeDim: 16, textDim: 8, muLaw: 255)
        for x: Float in [-1, -0.3, -1e-4, 0, 2e-5, 0.01, 0.5, 1] {
            XCTAssertEqual(config.fromModel(config.toModel(x)), x, accuracy: 1e-6 + 1e-5 * abs(x))
        }
        XCTAssertEqual(config.toModel(1), 1, accuracy: 1e-6)
        XCTAssertGreaterThan(config.toModel(0.01), 0.2)
        XCTAssertTrue(config.isBounded)
        let linear = BaseModelConfig(modality: .audio, sampleShape: [1, 512], fold: 8, channels: [8, 8, 16], groups: 4,
                                     timeDim: 16, textDim: 8, dataScale: 8)
        XCTAssertEqual(linear.toModel(0.25), 2)
        XCTAssertEqual(linear.fromModel(2), 0.25)
        XCTAssertFalse(linear.isBounded)
        let parsed = try BaseModelConfig.parse(json: config.json())
        XCTAssertEqual(parsed, config)
        // A file written before μ-law existed decodes as linear.
        let old = try BaseModelConfig.parse(json: linear.json().replacingOccurrences(of: ",\"muLaw\":0", with: ""))
        XCTAssertEqual(old.muLaw, 0)
        XCTAssertThrowsError(try BaseModelConfig(modality: .audio, sampleShape: [1, 512], fold: 8, channels: [8, 8, 16],
                                                 groups: 4, timeDim: 16, textDim: 8, muLaw: -1).validate())
    }

    func testResumedRunWithAverageAndScheduleRepeatsAnUninterruptedOne() throws {
        let config = TinyBase.audio, data = TinyBase.Data(config: config)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("base-ema-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let schedule = LearningRateSchedule(peak: 1e-3, warmup: 2, totalSteps: 6)
        let a = try BaseModelTrainer(config: config, seed: 5, lr: 1e-3, batchSize: 2, emaDecay: 0.9, schedule: schedule)
        for _ in 0..<3 { _ = try a.trainStep(on: data) }
        try BaseModelCheckpoint.saveCheckpoint(a, to: url)
        for _ in 0..<3 { _ = try a.trainStep(on: data) }
        let b = try BaseModelCheckpoint.loadCheckpoint(from: url)
        XCTAssertEqual(b.schedule, schedule)
        XCTAssertEqual(b.average?.decay, 0.9)
        for _ in 0..<3 { _ = try b.trainStep(on: data) }
        XCTAssertEqual(a.optimizer.lr, schedule.rate(atStep: 6))
        for (p, q) in zip(a.average?.values ?? [], b.average?.values ?? []) { XCTAssertEqual(p.scalars, q.scalars) }
        for ((name, p), (_, q)) in zip(a.model.namedParameters(), b.model.namedParameters()) {
            XCTAssertEqual(p.scalars, q.scalars, name)
        }
        // The averaged weights differ from the last ones, and a checkpoint loads as its average.
        let averaged = try a.averagedModel()
        XCTAssertNotEqual(averaged.parameters().map(\.scalars), a.model.parameters().map(\.scalars))
        try BaseModelCheckpoint.saveCheckpoint(a, to: url)
        let (loaded, _) = try BaseModelCheckpoint.loadWeights(from: url)
        XCTAssertEqual(loaded.parameters().map(\.scalars), averaged.parameters().map(\.scalars))
    }

    func testPreconditionedModelStartsAtTheLinearGuessAndLearns() throws {
        var config = TinyBase.audio
        config.dataStd = 0.5
        let p = try Preconditioning(steps: 1000, dataStd: 0.5)
        let schedule = try NoiseSchedule.linear(steps: 1000)
        for t in [0, 500, 999] {
            let (a, s) = (Float(schedule.alpha(t)), Float(schedule.sigma(t)))
            let v = a * a * 0.25 + s * s
            XCTAssertEqual(p.cIn[t] * p.cIn[t] * v, 1, accuracy: 1e-5)
            XCTAssertEqual(p.cSkip[t], s / v, accuracy: 1e-5)
            XCTAssertEqual(p.cOut[t] * p.cOut[t] + p.cSkip[t] * p.cSkip[t] * v, 1, accuracy: 1e-4, "eps has unit variance")
        }
        // A fresh network's F is zero (zero-initialised last layer): eps = c_skip · x_t.
        let model = try BaseUNet(config, seed: 3)
        let x = (0..<1024).map { Float(sin(Double($0))) }
        let out = withoutGrad {
            model(Tensor(shape: [2, 1, 512], data: x), steps: [10, 990], text: Tensor.zeros([2, config.textDim]))
        }.scalars
        for i in [0, 100, 511] { XCTAssertEqual(out[i], x[i] * p.cSkip[10], accuracy: 1e-6) }
        for i in [512, 700, 1023] { XCTAssertEqual(out[i], x[i] * p.cSkip[990], accuracy: 1e-6) }
        // And it trains.
        let data = TinyBase.Data(config: config)
        let trainer = try BaseModelTrainer(model: model, optimizer: BaseModelAdam(model.parameters(), lr: 3e-3), seed: 1, batchSize: 4)
        let before = try TinyBase.fixedLoss(trainer.model, data)
        for _ in 0..<40 { _ = try trainer.trainStep(on: data) }
        XCTAssertLessThan(try TinyBase.fixedLoss(trainer.model, data), 0.9 * before)
    }
}
