import Foundation
import MediaIO

/// librosa's onset strength (`onset.onset_strength` with its defaults) at 22,050 Hz.
public enum OnsetEnvelope {
    /// Sample rate the audio side works at (librosa's default).
    public static let sampleRate = 22_050
    /// STFT size.
    public static let nFFT = 2048
    /// STFT hop.
    public static let hop = 512
    /// Mel bands.
    public static let nMels = 128

    /// Periodic Hann window in double: `0.5 + 0.5 cos(-pi + 2 pi i / n)` (scipy's
    /// `get_window("hann", n, fftbins=True)`).
    static func hann(_ n: Int) -> [Double] {
        let step = (Double.pi - -Double.pi) / Double(n)
        return (0..<n).map { 0.5 + 0.5 * cos(Double($0) * step + -Double.pi) }
    }

    /// Power mel spectrogram in dB, band-major `[nMels][T]`, `T = 1 + len/512`:
    /// centred STFT (1024 zeros each side) with a periodic Hann window, computed in double
    /// and rounded to complex64 as numpy's `rfft` into librosa's complex64 matrix;
    /// `|X|^2` in float32; Slaney mel; `10 log10(max(1e-10, S))`, floored at `max - 80`.
    static func melDB(samples y: [Float]) throws -> (db: [Float], frames: Int) {
        let n = nFFT, half = n / 2, bins = 1 + n / 2
        let frames = 1 + y.count / hop
        let window = hann(n)
        let fft = try RealFFT(length: n)
        var power = [Float](repeating: 0, count: frames * bins)   // frame-major
        y.withUnsafeBufferPointer { yb in
            for t in 0..<frames {
                let start = t * hop - half
                for j in 0..<n {
                    let i = start + j
                    let v: Float = (i >= 0 && i < yb.count) ? yb[i] : 0
                    fft.input[j] = window[j] * Double(v)
                }
                fft.run()
                for k in 0..<bins {
                    let re = Float(fft.output[2 * k]), im = Float(fft.output[2 * k + 1])
                    let mag = hypotf(re, im)
                    power[t * bins + k] = mag * mag
                }
            }
        }
        let weights = MelFilterbank.weights(sampleRate: Double(sampleRate), nFFT: n, nMels: nMels)
        var db = [Float](repeating: 0, count: nMels * frames)
        let amin = Float(1e-10)
        var top = -Float.infinity
        weights.withUnsafeBufferPointer { wb in
            power.withUnsafeBufferPointer { pb in
                db.withUnsafeMutableBufferPointer { db in
                    guard let wbase = wb.baseAddress, let pbase = pb.baseAddress else { return }
                    for m in 0..<nMels {
                        let wrow = wbase + m * bins
                        // Only the triangle's support contributes.
                        var lo = 0, hi = bins - 1
                        while lo < bins && wrow[lo] == 0 { lo += 1 }
                        while hi >= lo && wrow[hi] == 0 { hi -= 1 }
                        for t in 0..<frames {
                            var s = 0.0
                            if lo <= hi {
                                let prow = pbase + t * bins
                                for k in lo...hi { s += Double(wrow[k]) * Double(prow[k]) }
                            }
                            let v = Float(10) * log10f(max(amin, Float(s)))
                            db[m * frames + t] = v
                            top = max(top, v)
                        }
                    }
                    let floor = top - 80
                    for i in 0..<db.count { db[i] = max(db[i], floor) }
                }
            }
        }
        return (db, frames)
    }

    /// The onset strength envelope of mono 22,050 Hz samples, `T = 1 + len/512` values:
    /// `d[t] = mean over bands of max(0, S[:, t] - S[:, t-1])` (float32, bands summed in
    /// order), shifted right by 3 frames (lag 1 + n_fft/(2 hop)) with zeros and cut to T.
    public static func envelope(samples22050 y: [Float]) throws -> [Float] {
        let (db, frames) = try melDB(samples: y)
        var env = [Float](repeating: 0, count: frames)
        guard frames > 1 else { return env }
        var diff = [Float](repeating: 0, count: frames - 1)
        for m in 0..<nMels {
            let row = m * frames
            for t in 0..<(frames - 1) {
                diff[t] += max(0, db[row + t + 1] - db[row + t])
            }
        }
        let pad = 1 + nFFT / (2 * hop)
        for t in pad..<max(pad, frames) where t - pad < diff.count {
            env[t] = diff[t - pad] / Float(nMels)
        }
        return env
    }
}
