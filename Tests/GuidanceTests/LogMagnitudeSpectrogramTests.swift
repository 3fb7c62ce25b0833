import XCTest
@testable import Guidance

/// The compressed-magnitude spectrogram audio models may work on (`spectrogramHop`), and its
/// Griffin-Lim inverse.
final class LogMagnitudeSpectrogramTests: XCTestCase {
    /// Decaying tone bursts (200 Hz and 1.3 kHz) at three onsets, silent in between: synth-like.
    private func bursts(length: Int = 6400) -> [Float] {
        var x = [Float](repeating: 0, count: length)
        for (onset, freq) in [(500, 200.0), (2600, 1300.0), (4700, 450.0)] {
            for i in 0..<1200 where onset + i < length {
                let t = Double(i) / 16_000
                x[onset + i] = Float(0.3 * exp(-t * 25) * sin(2 * Double.pi * freq * t))
            }
        }
        return x
    }

    /// Silence is 0, a full-scale sine at a bin centre peaks at 1, every value is in [0, 1],
    /// and there is one value per sample, frame by frame.
    func testCompressionEnds() {
        let spec = LogMagnitudeSpectrogram(hop: 100, floor: 1e-4)
        XCTAssertEqual(spec.values(of: [Float](repeating: 0, count: 1600)), [Float](repeating: 0, count: 1600))
        let bin = 12
        let sine = (0..<1600).map { Float(sin(2 * Double.pi * Double(bin) * Double($0) / 200)) }
        let values = spec.values(of: sine)
        XCTAssertEqual(values.count, 1600)
        let frame = Array(values[800..<900])
        XCTAssertEqual(frame.firstIndex(of: frame.max() ?? 0), bin)
        XCTAssertEqual(frame[bin], 1, accuracy: 0.01)
        XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 <= 1.01 })
    }

    /// A consistent spectrum gives its waveform back exactly (least-squares overlap-add), for a
    /// band-limited signal (the Nyquist bin is dropped).
    func testSpectrumInvertsExactly() {
        let spec = LogMagnitudeSpectrogram(hop: 100, floor: 1e-4)
        let x = bursts()
        let back = spec.samples(of: spec.spectrum(of: x))
        let error = zip(x, back).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        XCTAssertLessThan(error / x.map { $0 * $0 }.reduce(0, +), 1e-6)
    }

    /// Griffin-Lim from the magnitudes alone: the rebuilt waveform's magnitudes match within 10%
    /// (spectral convergence), the silence stays silent and the onsets stay where they were.
    func testGriffinLimRebuildsTheMagnitudes() {
        let spec = LogMagnitudeSpectrogram(hop: 100, floor: 1e-4)
        let x = bursts()
        let values = spec.values(of: x)
        let rebuilt = spec.waveform(from: values)
        XCTAssertEqual(rebuilt.count, x.count)
        func magnitudes(_ w: [Float]) -> [Float] {
            let s = spec.spectrum(of: w)
            var out: [Float] = []
            for f in 0..<(s.count / 200) {
                for m in 0..<100 {
                    let (re, im) = (s[f * 200 + m], s[f * 200 + 100 + m])
                    out.append((re * re + im * im).squareRoot())
                }
            }
            return out
        }
        let (target, got) = (magnitudes(x), magnitudes(rebuilt))
        let misfit = zip(target, got).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        XCTAssertLessThan(misfit / target.map { $0 * $0 }.reduce(0, +).squareRoot(), 0.1)
        let quiet = rebuilt[0..<350].map(abs).max() ?? 1
        XCTAssertLessThan(quiet, 1e-3, "silence before the first onset")
        let loud = rebuilt[500..<700].map(abs).max() ?? 0
        XCTAssertGreaterThan(loud, 0.1, "the first burst")
    }

    /// Negative values (a model's undershoot) count as silence rather than failing.
    func testNegativeValuesAreSilence() {
        let spec = LogMagnitudeSpectrogram(hop: 100, floor: 1e-4)
        let w = spec.waveform(from: [Float](repeating: -0.3, count: 1600))
        XCTAssertEqual(w.map(abs).max() ?? 1, 0, accuracy: 1e-7)
    }

    /// The configuration: clip transforms go through the spectrogram, the fold must equal the
    /// hop, only audio without μ-law or band deviations, and older files mean the waveform.
    func testConfigurationChecks() throws {
        var config = BaseModelConfig(modality: .audio, sampleShape: [1, 6400], fold: 100, channels: [8, 8, 8],
                                     dataStd: 0.19, spectrogramHop: 100, spectrogramFloor: 1e-4)
        try config.validate()
        let x = bursts()
        XCTAssertEqual(config.toModel(clip: x), LogMagnitudeSpectrogram(hop: 100, floor: 1e-4).values(of: x))
        XCTAssertEqual(config.fromModel(clip: config.toModel(clip: x)).count, x.count)
        let decoded = try BaseModelConfig.parse(json: config.json())
        XCTAssertEqual(decoded, config)
        config.fold = 50
        XCTAssertThrowsError(try config.validate())
        config.fold = 100
        config.muLaw = 255
        XCTAssertThrowsError(try config.validate())
        config.muLaw = 0
        config.spectrogramFloor = 0
        XCTAssertThrowsError(try config.validate())
        var video = BaseModelConfig.defaultVideo
        video.spectrogramHop = 4
        video.spectrogramFloor = 1e-4
        XCTAssertThrowsError(try video.validate())
        let legacy = BaseModelConfig.waveformAudio.json().replacingOccurrences(of: ",\"spectrogramFloor\":0", with: "").replacingOccurrences(of: ",\"spectrogramHop\":0", with: "")
        XCTAssertFalse(legacy.contains("spectrogram"))
        XCTAssertEqual(try BaseModelConfig.parse(json: legacy).spectrogramHop, 0)
    }
}
