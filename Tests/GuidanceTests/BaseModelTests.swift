import Foundation
import Tensor
import XCTest
@testable import Guidance

/// Tiny configurations of the base U-Nets, fast enough for the debug test suite.
enum TinyBase {
    static let audio = BaseModelConfig(modality: .audio, sampleShape: [1, 512], fold: 8, channels: [8, 8, 16],
                                       groups: 4, timeDim: 16, textDim: 8)
    static let video = BaseModelConfig(modality: .video, sampleShape: [2, 3, 16, 16], fold: 2, channels: [8, 8, 16],
                                       groups: 4, timeDim: 16, textDim: 8)

    /// Two classes: a sine (text e0) and its negation (text e1), or for video two flat colours.
    struct Data: BaseTrainingData {
        let config: BaseModelConfig
        var count: Int { 2 }
        func example(_ i: Int) -> (values: [Float], text: [Float]) {
            let n = config.sampleShape.reduce(1, *)
            let sign: Float = i == 0 ? 1 : -1
            let values = (0..<n).map { k in sign * 0.8 * Float(sin(Double(k) * 0.3)) }
            var text = [Float](repeating: 0, count: config.textDim)
            text[i] = 1
            return (values, text)
        }
    }

    /// 40 steps on `Data` lower the fixed-batch loss of `model` by at least 10%.
    static func assertTrains(_ model: BaseUNet, file: StaticString = #filePath, line: UInt = #line) throws {
        let data = Data(config: model.config)
        let trainer = try BaseModelTrainer(model: model, optimizer: BaseModelAdam(model.parameters(), lr: 3e-3), seed: 1, batchSize: 4)
        let before = try fixedLoss(trainer.model, data)
        for _ in 0..<40 { _ = try trainer.trainStep(on: data) }
        XCTAssertLessThan(try fixedLoss(trainer.model, data), 0.9 * before, file: file, line: line)
    }

    /// The loss on a fixed batch (fixed steps and noise), for before/after comparisons.
    static func fixedLoss(_ model: BaseUNet, _ data: Data) throws -> Float {
        let config = model.config
        let schedule = try NoiseSchedule.linear(steps: config.diffusionSteps)
        var rng = Xoshiro256(seed: 99)
        let n = config.sampleShape.reduce(1, *), steps = [50, 300, 600, 900]
        var xt: [Float] = [], eps: [Float] = [], text: [Float] = []
        for (b, t) in steps.enumerated() {
            let (x0, c) = data.example(b % 2)
            for i in 0..<n {
                let e = rng.normal()
                eps.append(e)
                xt.append(Float(schedule.alpha(t)) * x0[i] + Float(schedule.sigma(t)) * e)
            }
            text += c
        }
        let shape = [steps.count] + config.sampleShape
        return withoutGrad {
            meanSquaredError(model(Tensor(shape: shape, data: xt), steps: steps,
                                   text: Tensor(shape: [steps.count, config.textDim], data: text)),
                             Tensor(shape: shape, data: eps)).item
        }
    }
}

final class BaseModelTests: XCTestCase {
    func testFoldingRoundTripsAndKeepsNeighboursTogether() {
        let audio = Tensor(shape: [2, 1, 64], data: (0..<128).map(Float.init))
        let folded = Resampling.foldAudio(audio, 8)
        XCTAssertEqual(folded.shape, [2, 8, 8])
        XCTAssertEqual(folded.scalars[1], 8, "channel 0 of position 1 is sample 8")
        XCTAssertEqual(Resampling.unfoldAudio(folded).scalars, audio.scalars)
        let video = Tensor(shape: [1, 2, 3, 8, 8], data: (0..<384).map(Float.init))
        let fv = Resampling.foldVideo(video, 2)
        XCTAssertEqual(fv.shape, [1, 12, 2, 4, 4])
        XCTAssertEqual(fv.scalars[1], 2, "channel (r,0,0), frame 0, position (0,1) is pixel (0,2)")
        XCTAssertEqual(Resampling.unfoldVideo(fv, 2).scalars, video.scalars)
    }

    func testOutputShapesAndZeroInitialOutput() throws {
        for config in [TinyBase.audio, TinyBase.video] {
            let model = try BaseUNet(config, seed: 1)
            let x = Tensor(shape: [3] + config.sampleShape, data: [Float](repeating: 0.5, count: 3 * config.sampleShape.reduce(1, *)))
            let y = withoutGrad { model(x, steps: [0, 10, 999], text: Tensor.zeros([3, config.textDim])) }
            XCTAssertEqual(y.shape, x.shape)
            XCTAssertEqual(y.scalars.map(abs).max(), 0, "the output conv starts at zero")
        }
    }

    func testTrainingLowersTheLossOnAFixedBatch() throws {
        for config in [TinyBase.audio, TinyBase.video] {
            let data = TinyBase.Data(config: config)
            let trainer = try BaseModelTrainer(config: config, seed: 3, lr: 3e-3, batchSize: 4)
            let before = try TinyBase.fixedLoss(trainer.model, data)
            for _ in 0..<40 { _ = try trainer.trainStep(on: data) }
            let after = try TinyBase.fixedLoss(trainer.model, data)
            XCTAssertLessThan(after, 0.9 * before, "\(config.modality): loss \(before) -> \(after)")
        }
    }

    func testResumedTrainingRepeatsAnUninterruptedRun() throws {
        let config = TinyBase.audio, data = TinyBase.Data(config: config)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("base-ckpt-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let a = try BaseModelTrainer(config: config, seed: 5, lr: 1e-3, batchSize: 2)
        for _ in 0..<3 { _ = try a.trainStep(on: data) }
        try BaseModelCheckpoint.saveCheckpoint(a, to: url)
        for _ in 0..<2 { _ = try a.trainStep(on: data) }
        let b = try BaseModelCheckpoint.loadCheckpoint(from: url)
        XCTAssertEqual(b.step, 3)
        for _ in 0..<2 { _ = try b.trainStep(on: data) }
        for ((name, p), (_, q)) in zip(a.model.namedParameters(), b.model.namedParameters()) {
            XCTAssertEqual(p.scalars, q.scalars, name)
        }
    }

    func testWeightsFileRebuildsTheSameNetwork() throws {
        let config = TinyBase.video, data = TinyBase.Data(config: config)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("base-w-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        let trainer = try BaseModelTrainer(config: config, seed: 7, lr: 1e-3, batchSize: 2)
        for _ in 0..<2 { _ = try trainer.trainStep(on: data) }
        try BaseModelCheckpoint.saveWeights(trainer.model, step: trainer.step, to: url)
        let (loaded, step) = try BaseModelCheckpoint.loadWeights(from: url)
        XCTAssertEqual(step, 2)
        XCTAssertEqual(loaded.config, config)
        XCTAssertEqual(try TinyBase.fixedLoss(loaded, data), try TinyBase.fixedLoss(trainer.model, data))
        XCTAssertTrue(loaded.namedParameters().contains { $0.0 == "enc.0.conv.c2.weight" })
    }

    func testIndependentSamplingWithGuidanceGivesBothShapes() throws {
        let audio = BaseModelPredictor(try BaseUNet(TinyBase.audio, seed: 1))
        let video = BaseModelPredictor(try BaseUNet(TinyBase.video, seed: 2))
        let model = IndependentModalities([
            ClassifierFreeGuidance(audio, scale: 3, unconditional: audio.unconditional),
            ClassifierFreeGuidance(video, scale: 3, unconditional: video.unconditional),
        ])
        let schedule = try NoiseSchedule.linear(steps: 1000)
        var rng = SeededRNG(seed: 4)
        let out = try DPMSolverPlusPlus.mmDiffusionDefault().sample(
            model, schedules: [schedule, schedule], shapes: [[2] + TinyBase.audio.sampleShape, [2] + TinyBase.video.sampleShape],
            condition: [1, 0, 0, 0, 0, 0, 0, 0], rng: &rng)
        XCTAssertEqual(out.map(\.shape), [[2, 1, 512], [2, 2, 3, 16, 16]])
        XCTAssertTrue(out.allSatisfy { $0.values.allSatisfy(\.isFinite) })
    }
}
