import Foundation

/// librosa's Slaney mel filterbank (`filters.mel(htk=False, norm="slaney")`, float32).
public enum MelFilterbank {
    /// Slaney `hz -> mel`: linear below 1 kHz (`f / (200/3)`), logarithmic above
    /// (`15 + ln(f/1000) / (ln(6.4)/27)`).
    public static func hzToMel(_ f: Double) -> Double {
        let fSp = 200.0 / 3
        let minLogHz = 1000.0
        let minLogMel = minLogHz / fSp
        let logstep = log(6.4) / 27.0
        return f >= minLogHz ? minLogMel + log(f / minLogHz) / logstep : f / fSp
    }

    /// Inverse of `hzToMel`.
    public static func melToHz(_ m: Double) -> Double {
        let fSp = 200.0 / 3
        let minLogHz = 1000.0
        let minLogMel = minLogHz / fSp
        let logstep = log(6.4) / 27.0
        return m >= minLogMel ? minLogHz * exp(logstep * (m - minLogMel)) : fSp * m
    }

    /// `n_mels`×`(1 + n_fft/2)` weights, row-major: triangles on
    /// `mel_to_hz(linspace(mel(fmin), mel(fmax), n_mels + 2))` over the FFT bin frequencies
    /// `k * sr / n_fft`, each row scaled by `2 / (f[i+2] - f[i])`; float32 as librosa stores it.
    public static func weights(sampleRate sr: Double, nFFT: Int, nMels: Int, fmin: Double = 0, fmax: Double? = nil) -> [Float] {
        let bins = 1 + nFFT / 2
        let fmax = fmax ?? sr / 2
        // np.fft.rfftfreq(n, d=1/sr): arange(bins) * (1 / (n * d))
        let val = 1.0 / (Double(nFFT) * (1.0 / sr))
        let fftFreqs = (0..<bins).map { Double($0) * val }
        // np.linspace(min_mel, max_mel, n_mels + 2)
        let minMel = hzToMel(fmin), maxMel = hzToMel(fmax)
        let count = nMels + 2
        let step = (maxMel - minMel) / Double(count - 1)
        var mels = (0..<count).map { Double($0) * step + minMel }
        mels[count - 1] = maxMel
        let melF = mels.map(melToHz)
        var w = [Float](repeating: 0, count: nMels * bins)
        for i in 0..<nMels {
            let fd0 = melF[i + 1] - melF[i], fd1 = melF[i + 2] - melF[i + 1]
            let enorm = 2.0 / (melF[i + 2] - melF[i])
            for k in 0..<bins {
                let lower = -(melF[i] - fftFreqs[k]) / fd0
                let upper = (melF[i + 2] - fftFreqs[k]) / fd1
                let tri = Float(max(0, min(lower, upper)))
                w[i * bins + k] = Float(Double(tri) * enorm)
            }
        }
        return w
    }
}
