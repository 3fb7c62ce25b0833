import Foundation

/// The bench's features of one clip.
enum Features {
    /// Log-mel statistics of a 16 kHz waveform: a 512-point Hann-windowed FFT every 256
    /// samples, 40 triangular mel bands over 0-8 kHz (HTK mel scale), `log(max(power, 1e-5))`;
    /// the mean and the standard deviation over time of each band (80 values).
    static func audio(_ samples: [Float]) -> [Double] {
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
        let t = Double(logMel.count)
        let mean = (0..<bands).map { b in logMel.reduce(0) { $0 + $1[b] } / t }
        let std = (0..<bands).map { b in (logMel.reduce(0) { $0 + ($1[b] - mean[b]) * ($1[b] - mean[b]) } / t).squareRoot() }
        return mean + std
    }

    /// Frames `[F, 3, 64, 64]` uint8 averaged over 4×4 blocks to `[F, 3, 16, 16]`, scaled to [0, 1].
    static func video(_ frames: [UInt8], frameCount: Int, size: Int) -> [Double] {
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
