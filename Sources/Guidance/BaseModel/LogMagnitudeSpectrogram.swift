import Foundation
import Synchronization
import Tensor

/// Transforms already built, by hop and floor: `BaseModelConfig.toModel(clip:)` runs once per
/// training example, and building the DFT matrices costs more than applying them.
private let built = Mutex<[String: LogMagnitudeSpectrogram]>([:])

/// A waveform as the compressed magnitudes of its short-time Fourier transform, one value per
/// sample, and back by Griffin-Lim phase reconstruction.
///
/// Frames of `2·hop` samples under a periodic Hann window, `hop` apart, frame `k` centred on
/// sample `k·hop + hop/2` (zeros beyond the ends): `L / hop` frames of `hop` bins (0 to just
/// below Nyquist, `rate / (2·hop)` apart; the Nyquist bin is dropped), stored frame by frame.
/// So the values keep the waveform's length and a fold of `hop` puts one frame at each position,
/// its bins in the channels. Each magnitude m becomes `log(1 + m/floor) / log(1 + ceiling/floor)`:
/// 0 for silence, 1 for a full-scale sine (`ceiling = hop/2`, the Hann peak of amplitude 1), a
/// model error δ in silence only `floor · (exp(δ · log(1 + ceiling/floor)) − 1)` of magnitude.
///
/// A diffusion model on these values never has to produce phase: on synth clips the waveform
/// models' errors were white (hiss over every tone) and no tonal class was recognised. The
/// inverse is the fast Griffin-Lim of Perraudin et al. (2013) with momentum 0.99, as librosa's
/// `griffinlim`; on real synth clips 32 iterations from zero phase keep the spectral error near 6%.
public struct LogMagnitudeSpectrogram: Sendable {
    /// Samples between frames, and bins per frame.
    public let hop: Int
    /// The magnitude that maps to log(2) / log(1 + ceiling/floor): the compression's knee.
    public let floor: Float
    /// Griffin-Lim iterations of `waveform(from:)`.
    public let iterations: Int
    /// Hann window of `2·hop`.
    private let window: [Float]
    /// `[2·hop, 2·hop]`: frame samples to (cos | −sin) bin coefficients.
    private let analysis: Tensor
    /// `[2·hop, 2·hop]`: (real | imaginary) bins back to frame samples (inverse real DFT with the
    /// Nyquist bin zero).
    private let synthesis: Tensor

    /// The transform with `hop` bins per frame; `floor` sets the compression.
    public init(hop: Int, floor: Float, iterations: Int = 32) {
        self.hop = hop
        self.floor = floor
        self.iterations = iterations
        let n = 2 * hop
        window = (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n))) }
        var a = [Float](repeating: 0, count: n * n), s = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for m in 0..<hop {
                let angle = 2 * Double.pi * Double((i * m) % n) / Double(n)
                a[i * n + m] = Float(cos(angle))
                a[i * n + hop + m] = Float(-sin(angle))
                let weight = (m == 0 ? 1.0 : 2.0) / Double(n)
                s[m * n + i] = Float(weight * cos(angle))
                s[(hop + m) * n + i] = Float(-weight * sin(angle))
            }
        }
        analysis = Tensor(shape: [n, n], data: a)
        synthesis = Tensor(shape: [n, n], data: s)
    }

    /// The transform with these settings, built once per process.
    public static func shared(hop: Int, floor: Float) -> LogMagnitudeSpectrogram {
        let key = "\(hop) \(floor.bitPattern)"
        return built.withLock { cache in
            if let known = cache[key] { return known }
            let made = LogMagnitudeSpectrogram(hop: hop, floor: floor)
            cache[key] = made
            return made
        }
    }

    /// The magnitude of a full-scale sine at a bin centre.
    public var ceiling: Float { Float(hop) / 2 }

    /// The compressed magnitudes of `samples` (length a multiple of `hop`), frame by frame.
    public func values(of samples: [Float]) -> [Float] {
        let scale = log1p(ceiling / floor)
        return magnitudes(spectrum(of: samples)).map { log1p($0 / floor) / scale }
    }

    /// A waveform whose compressed magnitudes are close to `values` (negative values count as
    /// silence), by Griffin-Lim from zero phase.
    public func waveform(from values: [Float]) -> [Float] {
        let scale = log1p(ceiling / floor)
        let target = values.map { floor * expm1(max(0, $0) * scale) }
        let frames = values.count / hop
        var spectrum = [Float](repeating: 0, count: frames * 2 * hop)
        for f in 0..<frames {
            for m in 0..<hop { spectrum[f * 2 * hop + m] = target[f * hop + m] }
        }
        var previous = [Float](repeating: 0, count: spectrum.count)
        let pull: Float = 0.99 / 1.99
        for _ in 0..<iterations {
            let rebuilt = self.spectrum(of: samples(of: spectrum))
            for f in 0..<frames {
                for m in 0..<hop {
                    let (re, im) = (f * 2 * hop + m, f * 2 * hop + hop + m)
                    let x = rebuilt[re] - pull * previous[re], y = rebuilt[im] - pull * previous[im]
                    let norm = (x * x + y * y).squareRoot()
                    let magnitude = target[f * hop + m]
                    spectrum[re] = norm > 0 ? magnitude * x / norm : magnitude
                    spectrum[im] = norm > 0 ? magnitude * y / norm : 0
                }
            }
            previous = rebuilt
        }
        return samples(of: spectrum)
    }

    /// `[frames][re 0..<hop | im 0..<hop]` of the windowed frames.
    func spectrum(of samples: [Float]) -> [Float] {
        let n = 2 * hop, frames = samples.count / hop, lead = hop / 2
        var framed = [Float](repeating: 0, count: frames * n)
        for f in 0..<frames {
            for i in 0..<n {
                let t = f * hop - lead + i
                if t >= 0, t < samples.count { framed[f * n + i] = samples[t] * window[i] }
            }
        }
        return withoutGrad { matmul(Tensor(shape: [frames, n], data: framed), analysis) }.scalars
    }

    /// The least-squares waveform of a (possibly inconsistent) spectrum: inverse DFT of each
    /// frame, windowed, overlap-added and divided by the summed squared window.
    func samples(of spectrum: [Float]) -> [Float] {
        let n = 2 * hop, frames = spectrum.count / n, lead = hop / 2, length = frames * hop
        let framed = withoutGrad { matmul(Tensor(shape: [frames, n], data: spectrum), synthesis) }.scalars
        var out = [Float](repeating: 0, count: length), weight = [Float](repeating: 0, count: length)
        for f in 0..<frames {
            for i in 0..<n {
                let t = f * hop - lead + i
                guard t >= 0, t < length else { continue }
                out[t] += framed[f * n + i] * window[i]
                weight[t] += window[i] * window[i]
            }
        }
        return zip(out, weight).map { $1 > 1e-8 ? $0 / $1 : 0 }
    }

    /// |X| of each bin, frame by frame.
    private func magnitudes(_ spectrum: [Float]) -> [Float] {
        let frames = spectrum.count / (2 * hop)
        var out = [Float](repeating: 0, count: frames * hop)
        for f in 0..<frames {
            for m in 0..<hop {
                let (re, im) = (spectrum[f * 2 * hop + m], spectrum[f * 2 * hop + hop + m])
                out[f * hop + m] = (re * re + im * im).squareRoot()
            }
        }
        return out
    }
}
