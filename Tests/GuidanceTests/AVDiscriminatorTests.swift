import Foundation
import Tensor
import XCTest
@testable import Guidance

/// A tiny discriminator matching `TinyBase` (audio [1, 512], video [2, 3, 16, 16]).
enum TinyDisc {
    /// Without change features: these toy events are levels (a bright frame), not motion.
    static let config = AVDiscriminatorConfig(audioShape: [1, 512], videoShape: [2, 3, 16, 16], videoPool: 2, audioFold: 16,
                                              motionInputs: false, channels: [4, 8], fusionChannels: 8, fusionBlocks: 2, groups: 4, timeDim: 16,
                                              textDim: 8)

    /// Pairs with one event each: a loud burst in frame k's audio and a bright frame k.
    /// `synced` pairs show both at the same frame; otherwise the video's event is at the other frame.
    struct Events: AVPairData {
        let synced: Bool
        var count: Int { 8 }
        func pair(_ i: Int) -> (audio: [Float], video: [Float], text: [Float]) {
            let k = i % 2, kv = synced ? k : 1 - k
            var audio = [Float](repeating: 0, count: 512)
            for n in (256 * k)..<(256 * k + 256) {
                let phase: Double = Double(n) * 0.7 + Double(i)
                audio[n] = Float(0.9 * sin(phase))
            }
            var video = [Float](repeating: -0.8, count: 2 * 3 * 256)
            for p in (768 * kv)..<(768 * kv + 768) { video[p] = 0.8 }
            return (audio, video, [Float](repeating: 0, count: 8))
        }
        func group(_ i: Int) -> Int { 0 }
    }

    static func bases() throws -> (BaseUNet, BaseUNet) {
        (try BaseUNet(TinyBase.audio, seed: 1), try BaseUNet(TinyBase.video, seed: 2))
    }

    static func trainer(seed: UInt64 = 5, loss: DiscriminatorLoss = .full, mismatched: Double = 0.5) throws -> AVDiscriminatorTrainer {
        let (a, v) = try bases()
        let model = try AVDiscriminatorNet(config, seed: seed)
        return try AVDiscriminatorTrainer(model: model, optimizer: BaseModelAdam(model.parameters(), lr: 3e-3),
                                          settings: DiscriminatorTrainingSettings(seed: seed, batchSize: 4, loss: loss,
                                                                                  mismatchedFraction: mismatched),
                                          audioBase: a, videoBase: v)
    }

    /// Mean logit of `data`'s pairs noised lightly (step 20, fixed noise).
    static func meanLogit(_ model: AVDiscriminatorNet, _ data: Events) throws -> Double {
        var rng = SeededRNG(seed: 3)
        var total = 0.0
        for i in 0..<data.count {
            let p = data.pair(i)
            let noisy = { (x: [Float]) in x.map { $0 * 0.99 + 0.1 * Float(rng.nextNormal()) } }
            let out = try AVDiscriminatorGuide(model).logitsAndGradients(
                [try Batch(shape: [1, 1, 512], values: noisy(p.audio)), try Batch(shape: [1, 2, 3, 16, 16], values: noisy(p.video))],
                step: 20, condition: nil)
            total += out.logits[0]
        }
        return total / Double(data.count)
    }
}

final class AVDiscriminatorTests: XCTestCase {
    func testInputGradientMatchesFiniteDifferences() throws {
        for (blocks, motion) in [(1, false), (2, false), (1, true)] {
            var config = TinyDisc.config
            config.blocksPerLevel = blocks
            config.motionInputs = motion
            try checkInputGradient(try AVDiscriminatorNet(config, seed: 11))
        }
    }

    private func checkInputGradient(_ model: AVDiscriminatorNet) throws {
        // Give the zero-initialised output convs weights so every path carries gradient.
        var rng = Xoshiro256(seed: 4)
        for (_, p) in model.namedParameters() {
            p.assign(Tensor(shape: p.shape, data: p.scalars.map { $0 + 0.2 * rng.normal() }))
        }
        let pair = TinyDisc.Events(synced: true).pair(1)
        let audio = try Batch(shape: [1, 1, 512], values: pair.audio.map { $0 + 0.3 * rng.normal() })
        let video = try Batch(shape: [1, 2, 3, 16, 16], values: pair.video.map { $0 + 0.3 * rng.normal() })
        let text: [Float] = (0..<8).map { Float($0) / 8 }
        let guide = AVDiscriminatorGuide(model)
        let out = try guide.logitsAndGradients([audio, video], step: 400, condition: text)
        func logit(_ a: Batch, _ v: Batch) throws -> Double {
            try guide.logitsAndGradients([a, v], step: 400, condition: text).logits[0]
        }
        let h: Float = 1e-2
        for (m, i) in [(0, 7), (0, 300), (1, 5), (1, 700), (1, 1500)] {
            var plus = [audio, video], minus = [audio, video]
            plus[m].values[i] += h
            minus[m].values[i] -= h
            let numeric = (try logit(plus[0], plus[1]) - logit(minus[0], minus[1])) / Double(2 * h)
            let analytic = Double(out.gradients[m].values[i])
            XCTAssertEqual(analytic, numeric, accuracy: 2e-2 * max(1, abs(numeric)), "modality \(m) element \(i)")
        }
    }

    /// A discriminator trained below `maxStep` guides only there: above it, zero logits and gradients.
    func testMaxStepLimitsTheGuidance() throws {
        var config = TinyDisc.config
        config.maxStep = 50
        let model = try AVDiscriminatorNet(config, seed: 11)
        var rng = Xoshiro256(seed: 4)
        for (_, p) in model.namedParameters() {
            p.assign(Tensor(shape: p.shape, data: p.scalars.map { $0 + 0.2 * rng.normal() }))
        }
        let pair = TinyDisc.Events(synced: true).pair(0)
        let x = [try Batch(shape: [1, 1, 512], values: pair.audio), try Batch(shape: [1, 2, 3, 16, 16], values: pair.video)]
        let guide = AVDiscriminatorGuide(model)
        let inside = try guide.logitsAndGradients(x, step: 49, condition: nil)
        XCTAssertGreaterThan(inside.gradients[0].values.map(abs).max() ?? 0, 0)
        XCTAssertGreaterThan(inside.gradients[1].values.map(abs).max() ?? 0, 0)
        for step in [50, 999] {
            let outside = try guide.logitsAndGradients(x, step: step, condition: nil)
            XCTAssertEqual(outside.logits, [0])
            XCTAssertEqual(outside.gradients.map { $0.values.map(abs).max() ?? 1 }, [0, 0])
            XCTAssertEqual(outside.gradients.map(\.shape), x.map(\.shape))
        }
        // Stored; absent from older files (every step); between 1 and the schedule's length.
        XCTAssertEqual(try AVDiscriminatorConfig.parse(json: config.json()).maxStep, 50)
        XCTAssertEqual(try AVDiscriminatorConfig.parse(json: config.json().replacingOccurrences(of: ",\"maxStep\":50", with: "")).maxStep, 1000)
        for bad in [0, 1001] {
            config.maxStep = bad
            XCTAssertThrowsError(try config.validate(), "maxStep \(bad)")
        }
        // A curriculum widens the range of a trained network; the weights stay as they are.
        let before = model.parameters().map(\.scalars)
        try model.setMaxStep(300)
        XCTAssertEqual(model.config.maxStep, 300)
        XCTAssertGreaterThan(try guide.logitsAndGradients(x, step: 200, condition: nil).gradients[0].values.map(abs).max() ?? 0, 0)
        XCTAssertThrowsError(try model.setMaxStep(0))
        XCTAssertEqual(model.config.maxStep, 300)
        XCTAssertEqual(model.parameters().map(\.scalars), before)
    }

    func testDiscriminatorLearnsSynchronyFromMismatchedNegatives() throws {
        let trainer = try TinyDisc.trainer(loss: .disc, mismatched: 1)
        let real = TinyDisc.Events(synced: true), none = TinyDisc.Events(synced: true)
        let before = try TinyDisc.meanLogit(trainer.model, real) - TinyDisc.meanLogit(trainer.model, TinyDisc.Events(synced: false))
        var last = DiscriminatorStepLosses(disc: nil, dsm: nil, accuracy: 0)
        for _ in 0..<150 { last = try trainer.trainStep(real: real, fake: none) }
        let after = try TinyDisc.meanLogit(trainer.model, real) - TinyDisc.meanLogit(trainer.model, TinyDisc.Events(synced: false))
        XCTAssertGreaterThan(after, before + 1, "synced pairs must score clearly above unsynced ones (before \(before), after \(after))")
        XCTAssertNotNil(last.disc)
        XCTAssertNil(last.dsm)
    }

    func testFullLossIsFiniteAndResumeRepeatsAnUninterruptedRun() throws {
        let real = TinyDisc.Events(synced: true), fake = TinyDisc.Events(synced: false)
        let straight = try TinyDisc.trainer()
        for _ in 0..<4 {
            let l = try straight.trainStep(real: real, fake: fake)
            XCTAssertTrue(l.disc?.isFinite == true && l.dsm?.isFinite == true)
        }
        let first = try TinyDisc.trainer()
        for _ in 0..<2 { _ = try first.trainStep(real: real, fake: fake) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("disc-\(UUID().uuidString).ckpt")
        defer { try? FileManager.default.removeItem(at: url) }
        try AVDiscriminatorCheckpoint.saveCheckpoint(first, to: url)
        let restored = try AVDiscriminatorCheckpoint.loadCheckpoint(from: url)
        XCTAssertEqual(restored.settings, first.settings)
        let (a, v) = try TinyDisc.bases()
        let resumed = try AVDiscriminatorTrainer(model: restored.model, optimizer: restored.optimizer,
                                                 settings: restored.settings, audioBase: a, videoBase: v)
        for _ in 0..<2 { _ = try resumed.trainStep(real: real, fake: fake) }
        XCTAssertEqual(resumed.step, 4)
        for ((name, p), (_, q)) in zip(straight.model.namedParameters(), resumed.model.namedParameters()) {
            XCTAssertEqual(p.scalars, q.scalars, name)
        }
    }

    func testWeightsRoundTripAndWrongFilesAreNamed() throws {
        let model = try AVDiscriminatorNet(TinyDisc.config, seed: 8)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("disc-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try AVDiscriminatorCheckpoint.saveWeights(model, step: 12, loss: .dsm, to: url)
        let (loaded, step) = try AVDiscriminatorCheckpoint.loadWeights(from: url)
        XCTAssertEqual(step, 12)
        XCTAssertEqual(loaded.config, TinyDisc.config)
        XCTAssertEqual(loaded.namedParameters().map(\.0), model.namedParameters().map(\.0))
        XCTAssertTrue(model.namedParameters().contains { $0.0 == "video.blocks.0.conv.c2.weight" }, "state_dict-style names")
        for ((_, p), (_, q)) in zip(model.namedParameters(), loaded.namedParameters()) { XCTAssertEqual(p.scalars, q.scalars) }
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("base-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: base) }
        try BaseModelCheckpoint.saveWeights(try BaseUNet(TinyBase.audio, seed: 1), step: 0, to: base)
        XCTAssertThrowsError(try AVDiscriminatorCheckpoint.loadWeights(from: base)) { error in
            XCTAssertTrue("\(error)".contains("not a discriminator"), "\(error)")
        }
    }

    func testConfigurationRejectsMisalignedAudio() {
        var config = TinyDisc.config
        config.audioFold = 10
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("audio length")) }
        XCTAssertEqual(try AVDiscriminatorConfig.parse(json: TinyDisc.config.json()), TinyDisc.config)
    }

    /// A discriminator sees audio as its audio model does: one built for a spectrogram model does
    /// not fit a waveform model of the same shape, nor one with another hop; older files (no
    /// spectrogram fields) are waveform discriminators.
    func testAudioRepresentationMustMatch() throws {
        let (audio, video) = try TinyDisc.bases()
        var spectrogramAudio = audio.config
        spectrogramAudio.spectrogramHop = 4
        spectrogramAudio.spectrogramFloor = 1e-4
        var config = TinyDisc.config
        XCTAssertTrue(config.fits(audio: audio.config, video: video.config))
        XCTAssertFalse(config.fits(audio: spectrogramAudio, video: video.config))
        config.audioSpectrogramHop = 4
        config.audioSpectrogramFloor = 1e-4
        XCTAssertTrue(config.fits(audio: spectrogramAudio, video: video.config))
        XCTAssertFalse(config.fits(audio: audio.config, video: video.config))
        spectrogramAudio.spectrogramHop = 8
        XCTAssertFalse(config.fits(audio: spectrogramAudio, video: video.config))
        let legacy = TinyDisc.config.json().replacingOccurrences(of: ",\"audioSpectrogramFloor\":0", with: "")
            .replacingOccurrences(of: ",\"audioSpectrogramHop\":0", with: "")
        XCTAssertFalse(legacy.contains("Spectrogram"))
        XCTAssertEqual(try AVDiscriminatorConfig.parse(json: legacy).audioSpectrogramHop, 0)
    }

    func testTrainerRefusesBaseModelsOfOtherShapes() throws {
        let model = try AVDiscriminatorNet(TinyDisc.config, seed: 1)
        let (a, _) = try TinyDisc.bases()
        XCTAssertThrowsError(try AVDiscriminatorTrainer(model: model, optimizer: BaseModelAdam(model.parameters(), lr: 1e-3),
                                                        settings: DiscriminatorTrainingSettings(), audioBase: a, videoBase: a))
    }
}
