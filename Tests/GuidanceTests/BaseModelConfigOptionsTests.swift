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
}
