import XCTest
@testable import Guidance
import Tensor

/// The block DCT and the per-band preconditioning of audio base models (`bandStd`).
final class SpectralPreconditioningTests: XCTestCase {
    /// The transform is orthonormal: unit gains give the input back, and a block that is one
    /// basis vector has all its energy in that band.
    func testBlockDCTIsOrthonormal() {
        let dct = BlockDCT(size: 8)
        let x = (0..<32).map { Float(sin(Double($0) * 0.7) + 0.1 * Double($0 % 5)) }
        let back = withoutGrad { dct.scaled(Tensor(shape: [1, 1, 32], data: x), gains: Tensor(shape: [1, 8], data: [Float](repeating: 1, count: 8))) }
        for (a, b) in zip(back.scalars, x) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        let c = dct.coefficients(of: x)
        XCTAssertEqual(c.reduce(0) { $0 + $1 * $1 }, x.reduce(0) { $0 + $1 * $1 }, accuracy: 1e-3, "Parseval")
        // Band 3 of every block: a cosine at 3 · rate / 16, scaled to unit norm per block (√(2/8)).
        let tone = (0..<32).map { n in Float(0.5 * cos(Double.pi * (Double(n % 8) + 0.5) * 3 / 8)) }
        let deviations = dct.bandDeviations(of: [tone], floor: 1e-3)
        XCTAssertEqual(deviations[3], 1, accuracy: 1e-4)
        XCTAssertEqual(deviations.enumerated().filter { $0.offset != 3 }.map(\.element).max() ?? 0, 1e-3, accuracy: 1e-4, "the floor")
    }

    /// A fresh network (F = 0) returns each band scaled by its own skip coefficient:
    /// `Σ_k c_skip(bandStd_k) · coefficient_k · basis_k`.
    func testEachBandGetsItsOwnSkip() throws {
        var config = TinyBase.audio
        config.dataStd = 0.3
        config.bandStd = [0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002]
        try config.validate()
        let model = try BaseUNet(config, seed: 3)
        let dct = BlockDCT(size: 8)
        let low = (0..<8).map { n in Float(cos(Double.pi * (Double(n) + 0.5) * 1 / 8) * 0.5) }
        let high = (0..<8).map { n in Float(cos(Double.pi * (Double(n) + 0.5) * 6 / 8) * 0.5) }
        let block = zip(low, high).map { 0.7 * $0 + 0.2 * $1 }
        let x = (0..<64).flatMap { _ in block }
        for t in [10, 500, 990] {
            let out = withoutGrad { model(Tensor(shape: [1, 1, 512], data: x), steps: [t], text: Tensor.zeros([1, 8])) }.scalars
            let c = dct.coefficients(of: out)
            let p1 = try Preconditioning(steps: 1000, dataStd: 0.2), p6 = try Preconditioning(steps: 1000, dataStd: 0.005)
            let input = dct.coefficients(of: x)
            XCTAssertEqual(c[1], p1.cSkip[t] * input[1], accuracy: 1e-4, "t \(t)")
            XCTAssertEqual(c[6], p6.cSkip[t] * input[6], accuracy: 1e-4, "t \(t)")
            XCTAssertEqual(c[3], 0, accuracy: 1e-5)
        }
        // Stored, absent from older files (one deviation for all), audio only, one per folded sample.
        XCTAssertEqual(try BaseModelConfig.parse(json: config.json()), config)
        var plain = config
        plain.bandStd = []
        XCTAssertEqual(try BaseModelConfig.parse(json: plain.json().replacingOccurrences(of: "\"bandStd\":[],", with: "")), plain)
        var short = config
        short.bandStd = [0.5, 0.2]
        XCTAssertThrowsError(try short.validate(), "one per folded sample")
        var video = TinyBase.video
        video.dataStd = 0.5
        video.bandStd = [Float](repeating: 0.1, count: 2)
        XCTAssertThrowsError(try video.validate(), "bands are for audio")
        var zero = config
        zero.bandStd[2] = 0
        XCTAssertThrowsError(try zero.validate(), "positive deviations")
        // It trains.
        try TinyBase.assertTrains(model)
    }
}
