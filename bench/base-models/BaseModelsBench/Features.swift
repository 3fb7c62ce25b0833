import Foundation

/// The bench's features of one clip.
enum Features {
    /// Sizes of the audio feature blocks, in `audio(_:)` order (each block gets equal weight).
    static let audioBlocks = [40, 40, 40, 40, 10, 6]

    /// Log-mel statistics of a 16 kHz waveform. Log-mel: a 512-point Hann-windowed FFT every
    /// 256 samples, 40 triangular mel bands over 0-8 kHz (HTK mel scale), `log(max(power, 1e-5))`.
    /// Blocks: per-band mean, standard deviation and maximum over time (3 × 40); per-band mean
    /// over the active frames, those whose log total power is within 30 dB of the clip's loudest
    /// (40: the timbre of the events, whatever the silence between them); the autocorrelation of
    /// the log-energy envelope at lags 1-10 frames (decay and rhythm); and six scalars: the active
    /// fraction, mean, deviation and maximum of the spectral flux (summed positive log-mel
    /// increase), and the envelope's maximum and deviation.
    static func audio(_ samples: [Float]) -> [Double] {
        let logMel = logMelFrames(samples)
        let bands = logMel.first?.count ?? 0
        let t = Double(logMel.count)
        let mean = (0..<bands).map { b in logMel.reduce(0) { $0 + $1[b] } / t }
        let std = (0..<bands).map { b in (logMel.reduce(0) { $0 + ($1[b] - mean[b]) * ($1[b] - mean[b]) } / t).squareRoot() }
        let peak = (0..<bands).map { b in logMel.reduce(-Double.infinity) { max($0, $1[b]) } }
        let energy = logMel.map { frame in log(max(frame.reduce(0) { $0 + exp($1) }, 1e-5)) }
        let loudest = energy.max() ?? 0
        let active = logMel.indices.filter { energy[$0] >= loudest - log(1000) }
        let activeMean = (0..<bands).map { b in active.reduce(0) { $0 + logMel[$1][b] } / Double(max(1, active.count)) }
        let envelopeMean = energy.reduce(0, +) / t
        let envelope = energy.map { $0 - envelopeMean }
        let power = envelope.reduce(0) { $0 + $1 * $1 } / t
        let autocorrelation: [Double] = (1...10).map { k in
            var sum = 0.0
            for i in 0..<(envelope.count - k) { sum += envelope[i] * envelope[i + k] }
            return sum / Double(envelope.count - k) / max(1e-9, power)
        }
        let flux: [Double] = (1..<logMel.count).map { i in
            var sum = 0.0
            for b in 0..<bands { sum += max(0, logMel[i][b] - logMel[i - 1][b]) }
            return sum
        }
        let (fluxMean, fluxStd) = meanAndDeviation(flux)
        let scalars: [Double] = [Double(active.count) / t, fluxMean, fluxStd, flux.max() ?? 0, loudest, power.squareRoot()]
        let spectral: [Double] = mean + std + peak + activeMean
        return spectral + autocorrelation + scalars
    }

    /// Log-mel frames `[T][40]` of a waveform (see `audio(_:)`).
    static func logMelFrames(_ samples: [Float]) -> [[Double]] {
        let n = 512, hop = 256, bands = 40
        let window = (0..<n).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(n)) }
        let filters = melFilters(nFFT: n, bands: bands, sampleRate: 16_000)
        var logMel: [[Double]] = []
        var start = 0
        while start + n <= samples.count {
            var re = (0..<n).map { Double(samples[start + $0]) * window[$0] }
            var im = [Double](repeating: 0, count: n)
            fft(&re, &im)
            let power = (0...(n / 2)).map { re[$0] * re[$0] + im[$0] * im[$0] }
            logMel.append(filters.map { f in log(max(zip(f, power).reduce(0) { $0 + $1.0 * $1.1 }, 1e-5)) })
            start += hop
        }
        return logMel
    }

    /// Sizes of the video feature blocks, in `video(_:frameCount:size:)` order.
    static let videoBlocks = [256, 256, 32, 6, 6]

    /// Features of frames `[F, 3, S, S]` uint8 averaged over blocks to `[F, 3, 16, 16]` in [0, 1].
    /// With luma `Y = 0.299 R + 0.587 G + 0.114 B` of the 16×16 frames, the blocks are: the
    /// absolute deviation of the mean frame's luma from its own average (256: the layout of
    /// actors and props, whether the backdrop is light or dark); the temporal deviation of each
    /// pixel's luma (256: where things move); its row and column means (32); six scalars: the
    /// mean and deviation of all luma, and the mean, maximum, deviation and above-(mean + deviation)
    /// fraction of the frame-to-frame mean absolute luma change; and the mean and deviation of
    /// each colour channel (6).
    static func video(_ frames: [UInt8], frameCount: Int, size: Int) -> [Double] {
        let small = downsampled(frames, frameCount: frameCount, size: size)
        let px = 256
        var luma = [Double](repeating: 0, count: frameCount * px)
        for f in 0..<frameCount {
            for i in 0..<px {
                let (r, g, b) = (small[(f * 3) * px + i], small[(f * 3 + 1) * px + i], small[(f * 3 + 2) * px + i])
                luma[f * px + i] = 0.299 * r + 0.587 * g + 0.114 * b
            }
        }
        let meanFrame = (0..<px).map { i in (0..<frameCount).reduce(0) { $0 + luma[$1 * px + i] } / Double(frameCount) }
        let ground = meanFrame.reduce(0, +) / Double(px)
        let layout = meanFrame.map { abs($0 - ground) }
        let motion = (0..<px).map { i in meanAndDeviation((0..<frameCount).map { luma[$0 * px + i] }).1 }
        let rows = (0..<16).map { y in (0..<16).reduce(0) { $0 + motion[y * 16 + $1] } / 16 }
        let columns = (0..<16).map { x in (0..<16).reduce(0) { $0 + motion[$1 * 16 + x] } / 16 }
        let change: [Double] = (1..<max(1, frameCount)).map { f in
            var sum = 0.0
            for i in 0..<px { sum += abs(luma[f * px + i] - luma[(f - 1) * px + i]) }
            return sum / Double(px)
        }
        let (changeMean, changeStd) = meanAndDeviation(change)
        let busy = Double(change.filter { $0 > changeMean + changeStd }.count) / Double(max(1, change.count))
        let scalars: [Double] = [ground, meanAndDeviation(luma).1, changeMean, change.max() ?? 0, changeStd, busy]
        let colour: [(Double, Double)] = (0..<3).map { c in
            meanAndDeviation((0..<frameCount).flatMap { f in small[((f * 3 + c) * px)..<((f * 3 + c + 1) * px)] })
        }
        let maps: [Double] = layout + motion + rows + columns
        return maps + scalars + colour.map(\.0) + colour.map(\.1)
    }

    /// The resolution of the video features for frames of side `size`: one 8-bit level of one
    /// of the `(size/16)²` pixels averaged into a 16×16 cell, in [0, 1] units (64×64: 1/4080).
    static func videoResolution(size: Int) -> Double {
        let r = Double(max(1, size / 16))
        return 1 / (255 * r * r)
    }

    /// Frames `[F, 3, S, S]` uint8 averaged over `S/16`-pixel blocks to `[F, 3, 16, 16]`, scaled to [0, 1].
    static func downsampled(_ frames: [UInt8], frameCount: Int, size: Int) -> [Double] {
        let r = size / 16
        var out = [Double](repeating: 0, count: frameCount * 3 * 256)
        for plane in 0..<(frameCount * 3) {
            for y in 0..<size {
                for x in 0..<size {
                    out[plane * 256 + (y / r) * 16 + x / r] += Double(frames[(plane * size + y) * size + x])
                }
            }
        }
        let scale = 1 / (255 * Double(r * r))
        return out.map { $0 * scale }
    }

    /// Mean and population standard deviation (0 and 0 for no values).
    static func meanAndDeviation(_ values: [Double]) -> (Double, Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        return (mean, (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot())
    }

    /// Triangular mel filters (HTK scale), each over the `nFFT/2 + 1` power bins.
    static func melFilters(nFFT: Int, bands: Int, sampleRate: Double) -> [[Double]] {
        func mel(_ f: Double) -> Double { 2595 * log10(1 + f / 700) }
        func hz(_ m: Double) -> Double { 700 * (pow(10, m / 2595) - 1) }
        let top = mel(sampleRate / 2)
        let edges = (0...(bands + 1)).map { hz(top * Double($0) / Double(bands + 1)) }
        let bins = (0...(nFFT / 2)).map { Double($0) * sampleRate / Double(nFFT) }
        return (0..<bands).map { b in
            bins.map { f in
                let up = (f - edges[b]) / (edges[b + 1] - edges[b]), down = (edges[b + 2] - f) / (edges[b + 2] - edges[b + 1])
                return max(0, min(up, down))
            }
        }
    }

    /// In-place iterative radix-2 FFT (length a power of two).
    static func fft(_ re: inout [Double], _ im: inout [Double]) {
        let n = re.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var len = 2
        while len <= n {
            let angle = -2 * Double.pi / Double(len)
            for i in stride(from: 0, to: n, by: len) {
                for k in 0..<(len / 2) {
                    let (wr, wi) = (cos(angle * Double(k)), sin(angle * Double(k)))
                    let (ur, ui) = (re[i + k], im[i + k])
                    let (vr, vi) = (re[i + k + len / 2] * wr - im[i + k + len / 2] * wi,
                                    re[i + k + len / 2] * wi + im[i + k + len / 2] * wr)
                    re[i + k] = ur + vr; im[i + k] = ui + vi
                    re[i + k + len / 2] = ur - vr; im[i + k + len / 2] = ui - vi
                }
            }
            len <<= 1
        }
    }
}
